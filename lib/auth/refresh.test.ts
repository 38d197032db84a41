/**
 * What a refresh comes to, against a real token endpoint on loopback that
 * answers as a provider (or a proxy in front of it) may, and a real
 * redis-server: only `invalid_grant` ends the session; any other error keeps
 * it, to retry; and a refusal whose end the store cannot record is not
 * reported as "signed out" while a copy of the cookie stays live.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest'
import { narrowRedisUser } from '../testing/narrow-redis-user'
import { stubAppEnv } from '../testing/app-env'
import { startTokenEndpoint, type TokenEndpoint } from '../testing/token-endpoint'
import { unsignedJwt } from '../testing/tokens'
import type { Session } from '../session/session'
import { nowSeconds } from '../clock'

const redisUrl = new URL(inject('redisUrl'))
const unique = () => randomBytes(6).toString('hex')

/** The token endpoint's next answer: status and JSON body. */
let answer: { status: number; body: unknown } = { status: 400, body: { error: 'invalid_grant' } }
let tokenRequests = 0
let provider: TokenEndpoint
let issuer: string

let refreshSession: typeof import('./refresh').refreshSession
let RedisSessionStore: typeof import('../session/store/redis').RedisSessionStore
let storeNames: typeof import('../session/store/names').storeNames
let sessionRef: typeof import('../session/ref').sessionRef

// A Redis user that may run a refresh (GET, SET) but not end a session (DEL): the store failing halfway.
const narrow = narrowRedisUser(redisUrl, ['get', 'set', 'exists', 'hset', 'zadd', 'sadd', 'expireat', 'multi', 'exec'])

beforeAll(async () => {
  provider = await startTokenEndpoint(() => {
    tokenRequests++
    return { status: answer.status, json: answer.body }
  })
  issuer = provider.issuer
  stubAppEnv('refresh', { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: 'app', OIDC_CLIENT_SECRET: 'app-secret' })
  ;({ refreshSession } = await import('./refresh'))
  ;({ RedisSessionStore } = await import('../session/store/redis'))
  ;({ storeNames } = await import('../session/store/names'))
  ;({ sessionRef } = await import('../session/ref'))
})
afterAll(async () => {
  await provider.close()
  vi.unstubAllEnvs()
})

function stores() {
  const prefix = `test:${unique()}:`
  const names = storeNames(['refresh-test-secret-0123456789-abcdefghijkl'])
  return {
    store: new RedisSessionStore(redisUrl, prefix, names),
    narrow: new RedisSessionStore(narrow.url(), prefix, names),
  }
}

function newSession(): Session {
  const now = nowSeconds()
  const idToken = unsignedJwt({ iss: issuer, sub: `user-${unique()}`, aud: 'app' })
  return {
    provider: 'default',
    id: randomBytes(16).toString('base64url'),
    idToken,
    claims: {},
    refreshToken: unique(),
    accessToken: unique(),
    createdAt: now,
    expiresAt: now + 3600,
    lastSeenAt: now,
  }
}

describe('refreshing a session', () => {
  it('invalid_grant: the grant is over, and so is the session, on every instance', async () => {
    const { store } = stores()
    const session = newSession()
    await store.begin(sessionRef(session), 'Firefox on Linux')
    answer = { status: 400, body: { error: 'invalid_grant', error_description: 'revoked' } }
    expect((await refreshSession(session, store)).kind).toBe('rejected')
    expect(await store.isLive(sessionRef(session), null)).toBe(false)
  })

  for (const [what, reply] of [
    ['invalid_request from a misconfigured proxy', { status: 400, body: { error: 'invalid_request' } }],
    ['a bare 400', { status: 400, body: '' }],
    ['invalid_client', { status: 401, body: { error: 'invalid_client' } }],
    ['429', { status: 429, body: {} }],
  ] as const) {
    it(`${what}: the session stays, to retry later`, async () => {
      const { store } = stores()
      const session = newSession()
      await store.begin(sessionRef(session), 'Firefox on Linux')
      answer = reply
      const before = tokenRequests
      const outcome = await refreshSession(session, store)
      expect(tokenRequests).toBe(before + 1)
      expect(outcome.kind).toBe('failed')
      expect(await store.isLive(sessionRef(session), null)).toBe(true)
    })
  }

  it('invalid_grant while the store cannot record the end: "unendable", not "signed out", and the session is not ended', async () => {
    const { store, narrow } = stores()
    const session = newSession()
    await store.begin(sessionRef(session), 'Firefox on Linux')
    answer = { status: 400, body: { error: 'invalid_grant' } }
    expect((await refreshSession(session, narrow)).kind).toBe('unendable')
    // Nothing pretends: the next request tries again, and the end is recorded once the store can.
    expect(await store.isLive(sessionRef(session), null)).toBe(true)
    expect((await refreshSession({ ...session, accessToken: unique() }, store)).kind).toBe('rejected')
    expect(await store.isLive(sessionRef(session), null)).toBe(false)
  })
})
