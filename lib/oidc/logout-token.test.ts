/**
 * Logout token validation, one rule at a time (Back-Channel Logout 1.0 §2.4-2.6),
 * with real signatures from keys made for the test.
 */
import * as jose from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  BACKCHANNEL_LOGOUT_EVENT,
  LogoutTokenError,
  MAX_LOGOUT_TOKEN_AGE,
  validateLogoutToken,
  type LogoutTokenRules,
} from './logout-token'
import { nowSeconds } from '../clock'

const ISSUER = 'https://op.example'
const CLIENT = 'our-client'
const now = nowSeconds()

let key: CryptoKey
let otherKey: CryptoKey
let rules: LogoutTokenRules

beforeAll(async () => {
  const pair = await jose.generateKeyPair('RS256', { extractable: true })
  key = pair.privateKey
  otherKey = (await jose.generateKeyPair('RS256')).privateKey
  const jwk = { ...(await jose.exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }
  rules = {
    issuer: (iss) => iss === ISSUER,
    clientId: CLIENT,
    algorithms: ['RS256', 'ES256'],
    keys: jose.createLocalJWKSet({ keys: [jwk] }),
    clockTolerance: 30,
    now,
  }
})

const validClaims = () => ({
  iss: ISSUER,
  aud: CLIENT,
  iat: now,
  jti: 'jti-1',
  sid: 'provider-session-1',
  sub: 'user-1',
  events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
})

function sign(
  claims: Record<string, unknown>,
  header: jose.JWTHeaderParameters = { alg: 'RS256', kid: 'k1', typ: 'logout+jwt' },
  signingKey = key,
) {
  return new jose.SignJWT(claims).setProtectedHeader(header).sign(signingKey)
}

async function refusal(token: string | Promise<string>): Promise<string> {
  const error = await validateLogoutToken(await token, rules).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(LogoutTokenError)
  return (error as Error).message
}

describe('validateLogoutToken', () => {
  it('accepts a valid token and returns what decides which sessions end', async () => {
    expect(await validateLogoutToken(await sign(validClaims()), rules)).toEqual({
      jti: 'jti-1',
      iat: now,
      sub: 'user-1',
      sid: 'provider-session-1',
    })
  })

  it('accepts the shapes providers send: no typ, a generic JWT typ, aud as an array, only sid, only sub', async () => {
    const { sid: _sid, ...subOnly } = validClaims()
    const { sub: _sub, ...sidOnly } = validClaims()
    for (const token of [
      await sign(validClaims(), { alg: 'RS256', kid: 'k1' }),
      await sign(validClaims(), { alg: 'RS256', kid: 'k1', typ: 'JWT' }),
      await sign({ ...validClaims(), aud: [CLIENT, 'another'] }),
      await sign(subOnly),
      await sign(sidOnly),
    ]) {
      await expect(validateLogoutToken(token, rules)).resolves.toBeDefined()
    }
  })

  it('refuses a bad signature, another key, alg none, an HMAC, an algorithm the provider does not use', async () => {
    const good = await sign(validClaims())
    const [h, p, s] = good.split('.') as [string, string, string]
    expect(await refusal(`${h}.${p}.${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`)).toMatch(/signature/)
    expect(await refusal(sign(validClaims(), { alg: 'RS256', kid: 'k1' }, otherKey))).toMatch(/signature/)
    expect(await refusal(new jose.UnsecuredJWT(validClaims()).encode())).toMatch(/"none"/)
    expect(
      await refusal(
        sign(
          validClaims(),
          { alg: 'HS256', kid: 'k1' },
          new TextEncoder().encode('x'.repeat(32)) as unknown as CryptoKey,
        ),
      ),
    ).toMatch(/"HS256"/)
    const rs384 = await jose.importJWK(await jose.exportJWK(key), 'RS384')
    expect(await refusal(sign(validClaims(), { alg: 'RS384', kid: 'k1' }, rs384 as CryptoKey))).toMatch(/"RS384"/)
  })

  it('refuses another kind of token by its type (an ID token, an access token)', async () => {
    expect(await refusal(sign(validClaims(), { alg: 'RS256', kid: 'k1', typ: 'at+jwt' }))).toMatch(/type "at\+jwt"/)
  })

  it('refuses the wrong issuer or audience', async () => {
    expect(await refusal(sign({ ...validClaims(), iss: 'https://evil.example' }))).toMatch(/issuer/)
    expect(await refusal(sign({ ...validClaims(), aud: 'someone-else' }))).toMatch(/aud/)
  })

  it('refuses a token issued long ago, in the future, expired, or without iat or jti', async () => {
    expect(await refusal(sign({ ...validClaims(), iat: now - MAX_LOGOUT_TOKEN_AGE - 60 }))).toMatch(/too old/)
    expect(await refusal(sign({ ...validClaims(), iat: now + 600 }))).toMatch(/future/)
    expect(await refusal(sign({ ...validClaims(), exp: now - 120 }))).toMatch(/expired/)
    const { iat: _iat, ...noIat } = validClaims()
    expect(await refusal(sign(noIat))).toMatch(/iat/)
    const { jti: _jti, ...noJti } = validClaims()
    expect(await refusal(sign(noJti))).toMatch(/jti/)
  })

  it('refuses a token without the back-channel logout event, or with it in the wrong shape', async () => {
    const { events: _events, ...noEvents } = validClaims()
    expect(await refusal(sign(noEvents))).toMatch(/events/)
    expect(await refusal(sign({ ...validClaims(), events: { 'http://schemas.openid.net/event/other': {} } }))).toMatch(
      /events/,
    )
    expect(await refusal(sign({ ...validClaims(), events: { [BACKCHANNEL_LOGOUT_EVENT]: 'yes' } }))).toMatch(/events/)
    expect(await refusal(sign({ ...validClaims(), events: [BACKCHANNEL_LOGOUT_EVENT] }))).toMatch(/events/)
  })

  it('refuses a nonce (what an ID token carries), and a token naming neither session nor user', async () => {
    expect(await refusal(sign({ ...validClaims(), nonce: 'n' }))).toMatch(/nonce/)
    const { sid: _sid, sub: _sub, ...neither } = validClaims()
    expect(await refusal(sign(neither))).toMatch(/neither/)
  })

  it('refuses what is not a signed JWT at all', async () => {
    expect(await refusal('not-a-jwt')).toMatch(/not a JWT/)
    expect(await refusal('a.b.c.d.e')).toMatch(/not a JWT|encrypted/)
  })
})

describe('untrusted header values in the refusal (which the log and the provider both read)', () => {
  /** A token whose header says anything at all: refused before any signature is checked. */
  const forged = (header: Record<string, unknown>) =>
    [JSON.stringify(header), JSON.stringify(validClaims())]
      .map((part) => Buffer.from(part).toString('base64url'))
      .join('.') + '.c2ln'

  it('quotes and escapes a typ or alg that would forge a log line or drive a terminal, and caps its length', async () => {
    const forgedLine = '\n[auth] back-channel logout: ended the sessions of a user'
    for (const header of [
      { alg: 'RS256', typ: `JWT${forgedLine}\u001b[2J` },
      { alg: `HS256${forgedLine}\u2028${'x'.repeat(10_000)}`, typ: 'logout+jwt' },
    ]) {
      const message = await refusal(forged(header))
      expect(message).not.toMatch(/[\n\r\u001b\u2028]/)
      expect(message).toContain('\\n[auth] back-channel logout')
      expect(message.length).toBeLessThan(400)
    }
  })
})
