/**
 * The per-API token cache in the sealed cookie: it survives sealing as it was,
 * and when many APIs' tokens would make the cookie too large, the least
 * recently used go first, never the session's own tokens, and the cookie
 * stays within what a browser and Node accept (no 431).
 */
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { parseSessionConfig, type SessionConfig } from '../config'
import { unsignedJwt } from '../testing/tokens'
import { isUsable, type ApiTokens } from './api-tokens'
import { MAX_SEALED_SESSION, openSession, sealSession } from './sealed'
import { newSessionId, withApiEntry, type Session } from './session'
import { nowSeconds } from '../clock'

const config = parseSessionConfig({
  APP_BASE_URL: 'http://localhost:3000',
  SESSION_SECRET: 'a'.repeat(40),
}) as SessionConfig

/** A JWT access token for one API, with a random part as real ones have (jti, signature): ~900 bytes that compress badly. */
function apiJwt(audience: string): string {
  return unsignedJwt(
    {
      iss: 'https://op.example',
      aud: audience,
      sub: 'user-1',
      jti: randomBytes(16).toString('base64url'),
      scope: 'read',
      x: randomBytes(200).toString('base64url'),
    },
    { alg: 'RS256', kid: 'k', typ: 'at+jwt' },
    randomBytes(256).toString('base64url'),
  )
}

function session(): Session {
  const now = nowSeconds()
  return {
    provider: 'default',
    id: newSessionId(),
    idToken: unsignedJwt({ sub: 'user-1', iss: 'https://op.example', aud: 'app' }),
    claims: {},
    accessToken: 'opaque-access-token',
    refreshToken: 'the-refresh-token',
    accessTokenExpiresAt: now + 300,
    createdAt: now,
    expiresAt: now + config.absoluteTimeout,
    lastSeenAt: now,
  }
}

async function roundTrip(value: Session): Promise<Session> {
  const opened = await openSession(await sealSession(value, config), config)
  return opened!.session
}

describe('per-API tokens in the cookie', () => {
  it('come back as they went in: tokens, expiry, scope, binding; failures with their reason', async () => {
    const now = nowSeconds()
    const token = apiJwt('https://orders.example')
    let value = withApiEntry(
      session(),
      'orders',
      { accessToken: token, expiresAt: now + 300, scope: 'orders:read', dpop: true },
      now,
    )
    value = withApiEntry(
      value,
      'reports',
      { refused: 'The provider issued a token for "x", not for reports.', retryAfter: 30 },
      now,
    )
    const opened = await roundTrip(value)
    expect(opened.apiTokens).toEqual<ApiTokens>({
      orders: {
        kind: 'token',
        accessToken: token,
        expiresAt: now + 300,
        scope: 'orders:read',
        dpop: true,
        usedAt: now,
      },
      reports: {
        kind: 'failed',
        retryAt: now + 30,
        reason: 'The provider issued a token for "x", not for reports.',
        usedAt: now,
      },
    })
    expect(isUsable(opened.apiTokens!.orders, now)).toBe(true)
    // Within 30 s of its expiry a token is not sent: it could expire on the way.
    expect(isUsable(opened.apiTokens!.orders, now + 280)).toBe(false)
  })

  it('many APIs: the least recently used go, the session keeps its own tokens, the cookie fits', async () => {
    const start = nowSeconds()
    let value = session()
    // 30 APIs, each used a second after the one before: api0 is the least recently used.
    for (let i = 0; i < 30; i++) {
      value = withApiEntry(
        value,
        `api${i}`,
        { accessToken: apiJwt(`https://api${i}.example`), expiresAt: start + 300, scope: 'read', dpop: false },
        start + i,
      )
    }
    const sealed = await sealSession(value, config)
    expect(sealed.length).toBeLessThanOrEqual(MAX_SEALED_SESSION)
    const opened = (await openSession(sealed, config))!.session
    expect(opened.idToken).toBe(value.idToken)
    expect(opened.refreshToken).toBe('the-refresh-token')
    expect(opened.accessToken).toBe('opaque-access-token')
    const kept = Object.keys(opened.apiTokens!)
    expect(kept.length).toBeGreaterThan(3)
    expect(kept.length).toBeLessThan(30)
    // Exactly the most recently used ones are kept.
    const expected = Array.from({ length: 30 }, (_, i) => `api${i}`).slice(30 - kept.length)
    expect(kept.sort()).toEqual(expected.sort())
    for (const name of kept)
      expect((opened.apiTokens![name] as { accessToken: string }).accessToken).toBe(
        (value.apiTokens![name] as { accessToken: string }).accessToken,
      )
  })

  it('a malformed cache is no session at all, rather than a session with a guessed cache', async () => {
    const sealed = await sealSession(
      {
        ...session(),
        apiTokens: {
          orders: {
            kind: 'token',
            accessToken: '',
            expiresAt: undefined,
            scope: undefined,
            dpop: false,
            usedAt: Number.NaN,
          },
        },
      },
      config,
    )
    // NaN is sealed as null: not a number, so the whole session is refused.
    expect(await openSession(sealed, config)).toBeNull()
  })
})
