/**
 * Back-channel logout tokens as the hostile provider forges them: correct by
 * default (signed like its ID tokens, `typ: logout+jwt`, the back-channel
 * event, `sid` and `sub`), or wrong in the one way a test asks for.
 */
import { randomBytes } from 'node:crypto'
import * as jose from 'jose'
import type { LogoutTokenDefect } from './defects.ts'
import { nowSeconds } from '../../lib/clock.ts'

export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout'

interface SigningKey {
  readonly kid: string
  readonly privateKey: CryptoKey
  readonly publicJwk: jose.JWK
}

export interface LogoutTokenFacts {
  readonly issuer: string
  readonly clientId: string
  readonly sub: string
  readonly sid: string | undefined
  readonly key: SigningKey
}

export async function forgeLogoutToken(facts: LogoutTokenFacts, defect: LogoutTokenDefect): Promise<string> {
  const now = nowSeconds()
  const claims: jose.JWTPayload & Record<string, unknown> = {
    iss: defect === 'wrong-iss' ? 'https://evil.example' : facts.issuer,
    aud: defect === 'wrong-aud' ? 'someone-else' : facts.clientId,
    iat: defect === 'iat-far-past' ? now - 3600 : defect === 'iat-future' ? now + 3600 : now,
    exp: now + 120,
    jti: randomBytes(16).toString('base64url'),
    events: { [defect === 'wrong-event' ? 'http://schemas.openid.net/event/other' : BACKCHANNEL_LOGOUT_EVENT]: {} },
    sub: facts.sub,
    ...(facts.sid !== undefined ? { sid: facts.sid } : {}),
  }
  if (defect === 'iat-far-past') claims.exp = now + 60
  if (defect === 'no-events') delete claims.events
  if (defect === 'nonce') claims.nonce = 'an-id-token-nonce'
  if (defect === 'no-jti') delete claims.jti
  if (defect === 'sub-only') delete claims.sid
  if (defect === 'no-sid-no-sub') {
    delete claims.sid
    delete claims.sub
  }

  if (defect === 'alg-none') return new jose.UnsecuredJWT(claims).encode()
  if (defect === 'alg-hs256-key-confusion') {
    // The classic confusion: the provider's public key used as an HMAC secret.
    const secret = new TextEncoder().encode(JSON.stringify(facts.key.publicJwk))
    return new jose.SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: facts.key.kid, typ: 'logout+jwt' })
      .sign(secret)
  }
  const typ = defect === 'typ-id-token' ? 'id_token+jwt' : 'logout+jwt'
  const jwt = await new jose.SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: facts.key.kid, typ })
    .sign(facts.key.privateKey)
  if (defect !== 'bad-signature') return jwt
  const [header, payload, signature] = jwt.split('.') as [string, string, string]
  return `${header}.${payload}.${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`
}
