import { sealData } from 'iron-session'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { parseSessionConfig, type SessionConfig } from './config'
import { nowSeconds, openSession, sealSession, SessionTooLargeError, unsealSession, type Session } from './session'

const config = parseSessionConfig({ APP_BASE_URL: 'http://localhost:3000', SESSION_SECRET: 's'.repeat(40) }) as SessionConfig
const otherConfig: SessionConfig = { ...config, secrets: ['o'.repeat(40)] }

function session(overrides: Partial<Session> = {}): Session {
  const now = nowSeconds()
  return {
    v: 1,
    user: { sub: 'user-1', name: 'Alice Adams', email: 'alice@example.com' },
    idToken: 'header.payload.signature',
    accessToken: 'opaque-access-token',
    accessTokenExpiresAt: now + 3600,
    createdAt: now,
    expiresAt: now + config.sessionLifetime,
    ...overrides,
  }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('session cookies', () => {
  it('round-trips a session through a sealed, unreadable cookie value', async () => {
    const original = session()
    const sealed = await sealSession(original, config)
    expect(sealed).toMatch(/^Fe26\.2\*/)
    expect(sealed).not.toContain('alice@example.com')
    expect(await unsealSession(sealed, config)).toEqual(original)
  })

  it('reads a missing cookie as no session', async () => {
    expect(await unsealSession(undefined, config)).toBeNull()
    expect(await unsealSession('', config)).toBeNull()
  })

  it('reads a tampered, truncated or garbage cookie as no session', async () => {
    const sealed = await sealSession(session(), config)
    const i = Math.floor(sealed.length / 2)
    const tampered = sealed.slice(0, i) + (sealed[i] === 'a' ? 'b' : 'a') + sealed.slice(i + 1)
    expect(await unsealSession(tampered, config)).toBeNull()
    expect(await unsealSession(sealed.slice(0, -10), config)).toBeNull()
    expect(await unsealSession('not-a-seal', config)).toBeNull()
    expect(await unsealSession('Fe26.2**********', config)).toBeNull()
  })

  it('reads a cookie sealed with another secret as no session', async () => {
    const sealed = await sealSession(session(), otherConfig)
    expect(await unsealSession(sealed, config)).toBeNull()
  })

  it('reads an oversized cookie as no session without trying to open it', async () => {
    expect(await unsealSession(`Fe26.2*${'a'.repeat(5000)}`, config)).toBeNull()
  })

  it('reads a session past its absolute lifetime as no session', async () => {
    const sealed = await sealSession(session(), config)
    vi.useFakeTimers({ now: Date.now() + (config.sessionLifetime + 5) * 1000 })
    expect(await unsealSession(sealed, config)).toBeNull()
  })

  it('honours expiresAt even when the seal itself is still valid', async () => {
    const stale = session({ expiresAt: nowSeconds() - 1 })
    const sealed = await sealData(stale, { password: config.secrets[0], ttl: 3600 })
    expect(await unsealSession(sealed, config)).toBeNull()
  })

  it('reads an authentic cookie of another shape as no session', async () => {
    const sealed = await sealData({ v: 2, user: { sub: 'x' } }, { password: config.secrets[0], ttl: 3600 })
    expect(await unsealSession(sealed, config)).toBeNull()
    const noSub = await sealData({ ...session(), user: { name: 'no sub' } }, { password: config.secrets[0], ttl: 3600 })
    expect(await unsealSession(noSub, config)).toBeNull()
  })

  it('refuses to seal a session that a browser would drop', async () => {
    const huge = session({ user: { sub: 'user-1', groups: Array.from({ length: 300 }, (_, i) => `group-${i}`) } })
    await expect(sealSession(huge, config)).rejects.toBeInstanceOf(SessionTooLargeError)
  })

  it('opens cookies sealed with an older secret after a rotation, and marks them for resealing', async () => {
    const oldSecret = 'o'.repeat(40)
    const rotated: SessionConfig = { ...config, secrets: ['n'.repeat(40), oldSecret] }
    const before = await sealSession(session(), { ...config, secrets: [oldSecret] })

    const opened = await openSession(before, rotated)
    expect(opened?.session.user.sub).toBe('user-1')
    expect(opened?.stale).toBe(true)

    const resealed = await sealSession(opened!.session, rotated)
    expect((await openSession(resealed, rotated))?.stale).toBe(false)
    // Once the old secret is dropped, only the resealed cookie still opens.
    const afterRotation: SessionConfig = { ...config, secrets: ['n'.repeat(40)] }
    expect(await openSession(resealed, afterRotation)).not.toBeNull()
    expect(await openSession(before, afterRotation)).toBeNull()
  })
})
