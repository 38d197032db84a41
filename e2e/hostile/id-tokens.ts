/**
 * ID tokens as the hostile provider signs them: correct by default, or forged
 * with one defect (lib/oidc/ must refuse every one but the tolerated ones).
 */
import * as jose from 'jose'
import type { LoginRecord } from './defects.ts'
import { nowSeconds } from '../../lib/clock.ts'

/** The user this provider signs in, whatever the login. */
export const HOSTILE_USER = { sub: 'hostile-user-1', name: 'Mallory Tester', email: 'mallory@example.net' } as const

/** The Entra-shaped tenant's user lives in this tenant; `tid-mismatch` names the other. */
export const ENTRA_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad'
const OTHER_TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47'

export type Key = { kid: string; alg: string; privateKey: CryptoKey; publicJwk: jose.JWK }
export type Keys = { readonly rsa1: Key; readonly rsa2: Key; readonly ec1: Key }

export async function makeKey(kid: string, alg: 'RS256' | 'ES256'): Promise<Key> {
  const { privateKey, publicKey } = await jose.generateKeyPair(alg, { extractable: true })
  return { kid, alg, privateKey, publicJwk: { ...(await jose.exportJWK(publicKey)), kid, alg, use: 'sig' } }
}

/** Who signs: the tenant's issuer (as it announces itself), its client, its keys. */
export interface Signer {
  readonly issuer: string
  readonly clientId: string
  /** Entra ID's multi-tenant shape: `issuer` is a `{tenantid}` template and tokens carry `tid`. */
  readonly tenantTemplate: boolean
  readonly keys: Keys
  /** A key the app has not seen yet, for the rotation defects; the tenant publishes it or arms a JWKS fault. */
  readonly rotatedKey: (defect: string) => Promise<Key>
}

/** The ID token for a login, with the login's defect (`record.defect`) built in. */
export async function forgeIdToken(
  record: LoginRecord & { nonce?: string; sid?: string; sub?: string },
  signer: Signer,
): Promise<string> {
  const now = nowSeconds()
  const d = record.defect
  const tokenIssuer = signer.tenantTemplate ? signer.issuer.replace('{tenantid}', ENTRA_TENANT_ID) : signer.issuer
  const claims: jose.JWTPayload & Record<string, unknown> = {
    iss: d === 'wrong-iss' ? 'https://evil.example' : tokenIssuer,
    sub: record.sub ?? HOSTILE_USER.sub,
    aud:
      d === 'wrong-aud'
        ? 'someone-else'
        : d.startsWith('multi-aud')
          ? [signer.clientId, 'another-client']
          : signer.clientId,
    exp: d === 'expired' ? now - 120 : d === 'clock-behind-within-tolerance' ? now - 10 : now + 300,
    iat:
      d === 'iat-future'
        ? now + 3600
        : d === 'clock-ahead-within-tolerance'
          ? now + 20
          : d === 'expired'
            ? now - 600
            : now,
    nonce: d === 'nonce-wrong' ? 'not-the-nonce' : record.nonce,
    name: HOSTILE_USER.name,
    auth_time: d === 'old-auth-time' || d === 'old-auth-time-fresh-userinfo' ? now - 3600 : now,
    acr:
      d === 'acr-weak' ? 'urn:hostile:weak' : (record.authorize?.acr_values?.split(' ')[0] ?? 'urn:hostile:password'),
    sid: record.sid,
  }
  if (d === 'multi-aud-wrong-azp') claims.azp = 'another-client'
  if (signer.tenantTemplate) claims.tid = d === 'tid-mismatch' ? OTHER_TENANT_ID : ENTRA_TENANT_ID
  if (d === 'iat-missing') delete claims.iat
  if (d === 'sub-missing') delete claims.sub
  if (d === 'nonce-missing') delete claims.nonce
  if (d === 'clock-behind-within-tolerance') claims.iat = now - 310

  if (d === 'alg-none') return new jose.UnsecuredJWT(claims).encode()
  if (d === 'alg-hs256-key-confusion') {
    // The classic confusion: the RSA public key used as an HMAC secret.
    const secret = new TextEncoder().encode(
      await jose.exportSPKI((await jose.importJWK(signer.keys.rsa1.publicJwk, 'RS256')) as CryptoKey),
    )
    return new jose.SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: signer.keys.rsa1.kid }).sign(secret)
  }
  if (d === 'alg-unadvertised') {
    const rs384 = await jose.importJWK(await jose.exportJWK(signer.keys.rsa1.privateKey), 'RS384')
    return new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS384', kid: signer.keys.rsa1.kid }).sign(rs384)
  }

  let key = signer.keys.rsa1
  let kid: string | undefined = key.kid
  if (d === 'no-kid-several-keys') kid = undefined
  if (d === 'no-kid-single-key') {
    key = signer.keys.ec1
    kid = undefined
  }
  if (d === 'rotated-key' || d.startsWith('jwks-')) {
    // A key the app has not seen: it must fetch the key set again to find it.
    key = await signer.rotatedKey(d)
    kid = key.kid
  }
  const jwt = await new jose.SignJWT(claims)
    .setProtectedHeader(kid ? { alg: key.alg, kid } : { alg: key.alg })
    .sign(key.privateKey)
  if (d !== 'bad-signature') return jwt
  const [header, payload, signature] = jwt.split('.') as [string, string, string]
  const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11)
  return `${header}.${payload}.${flipped}`
}
