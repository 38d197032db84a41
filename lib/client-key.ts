/**
 * The client's private key (OIDC_CLIENT_PRIVATE_KEY), for private_key_jwt
 * client authentication (RFC 7523) and signed request objects (RFC 9101).
 * Node runtime only: a PEM is read with node:crypto, then handed to Web Crypto.
 */
import 'server-only'
import { createPrivateKey } from 'node:crypto'
import type * as oauth from 'oauth4webapi'

type Jwk = JsonWebKey & { kid?: string }

/**
 * How Web Crypto should import the key; the JWS algorithm follows from it
 * (oauth4webapi picks RS256, ES256/384/512 by curve, or Ed25519).
 */
function importParams(jwk: Jwk): RsaHashedImportParams | EcKeyImportParams | Algorithm {
  switch (jwk.kty) {
    case 'RSA':
      return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
    case 'EC':
      if (jwk.crv === 'P-256' || jwk.crv === 'P-384' || jwk.crv === 'P-521') return { name: 'ECDSA', namedCurve: jwk.crv }
      break
    case 'OKP':
      if (jwk.crv === 'Ed25519') return { name: 'Ed25519' }
  }
  throw new Error(`OIDC_CLIENT_PRIVATE_KEY is a ${jwk.kty} key${jwk.crv ? ` on ${jwk.crv}` : ''}, which cannot sign: use RSA, EC P-256/384/521 or Ed25519.`)
}

let imported: Promise<oauth.PrivateKey> | undefined

async function importKey(source: string): Promise<oauth.PrivateKey> {
  const jwk: Jwk = source.startsWith('-----BEGIN')
    ? (createPrivateKey(source).export({ format: 'jwk' }) as Jwk)
    : (JSON.parse(source) as Jwk)
  const { kid, ...material } = jwk
  const key = await crypto.subtle.importKey('jwk', material, importParams(jwk), false, ['sign'])
  return kid ? { key, kid } : { key }
}

/** The imported key, once per process. */
export function clientPrivateKey(source: string): Promise<oauth.PrivateKey> {
  imported ??= importKey(source)
  return imported
}
