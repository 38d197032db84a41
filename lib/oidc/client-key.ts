/**
 * The client's private key (OIDC_CLIENT_PRIVATE_KEY), for private_key_jwt
 * client authentication (RFC 7523) and signed request objects (RFC 9101).
 * Node runtime only: a PEM is read with node:crypto, then handed to Web Crypto.
 *
 * Every JWT we sign names its key (`kid`): providers that hold several keys for
 * a client pick the one to verify with by it, and refuse a JWT without one. A
 * JWK brings its own `kid`; a PEM has none, so it gets its RFC 7638 thumbprint,
 * which anyone can compute from the public key and register with it.
 */
import 'server-only'
import { createPrivateKey } from 'node:crypto'
import { calculateJwkThumbprint } from 'jose'
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
      if (jwk.crv === 'P-256' || jwk.crv === 'P-384' || jwk.crv === 'P-521')
        return { name: 'ECDSA', namedCurve: jwk.crv }
      break
    case 'OKP':
      if (jwk.crv === 'Ed25519') return { name: 'Ed25519' }
  }
  throw new Error(
    `OIDC_CLIENT_PRIVATE_KEY is a ${jwk.kty} key${jwk.crv ? ` on ${jwk.crv}` : ''}, which cannot sign: use RSA, EC P-256/384/521 or Ed25519.`,
  )
}

/** The imported key, and whether its `kid` was derived (a PEM) rather than named (a JWK). */
export interface ClientKey {
  readonly key: oauth.PrivateKey & { readonly kid: string }
  readonly kidDerived: boolean
}

async function importKey(source: string): Promise<ClientKey> {
  const jwk: Jwk = source.startsWith('-----BEGIN')
    ? createPrivateKey(source).export({ format: 'jwk' })
    : (JSON.parse(source) as Jwk)
  const { kid: named, ...material } = jwk
  const key = await crypto.subtle.importKey('jwk', material, importParams(jwk), false, ['sign'])
  if (named) return { key: { key, kid: named }, kidDerived: false }
  // The thumbprint covers only the public members (RFC 7638 §3.2), so it is the public key's too.
  return { key: { key, kid: await calculateJwkThumbprint(material, 'sha256') }, kidDerived: true }
}

const imported = new Map<string, Promise<ClientKey>>()

/** The imported key with its `kid`, once per process (and per key, for tests). */
export function clientKey(source: string): Promise<ClientKey> {
  let key = imported.get(source)
  if (!key) imported.set(source, (key = importKey(source)))
  return key
}

/** The key oauth4webapi signs with: always with a `kid`. */
export async function clientPrivateKey(source: string): Promise<oauth.PrivateKey> {
  return (await clientKey(source)).key
}
