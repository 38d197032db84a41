import { sealData, unsealData } from 'iron-session'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { parseSessionConfig, type SessionConfig } from '../config'
import { unsignedJwt } from '../testing/tokens'
import { sessionUser } from './claims'
import { decompress } from './codec'
import { openSession, sealSession, SessionTooLargeError, TOKEN_FIELDS } from './sealed'
import { newSessionId, type Session } from './session'
import { nowSeconds } from '../clock'

/** The session in a sealed value, or null. */
async function unsealSession(sealed: string | undefined, config: SessionConfig): Promise<Session | null> {
  return (await openSession(sealed, config))?.session ?? null
}

const config = parseSessionConfig({
  APP_BASE_URL: 'http://localhost:3000',
  SESSION_SECRET: 's'.repeat(40),
}) as SessionConfig
/** An unsigned token of the right shape: these tests are about cookies, not signatures. */
const ID_TOKEN = unsignedJwt(
  { sub: 'user-1', name: 'Alice Adams', iss: 'https://op.example', aud: 'app' },
  { alg: 'RS256', kid: 'k' },
)
const otherConfig: SessionConfig = { ...config, secrets: ['o'.repeat(40)] }

function session(overrides: Partial<Session> = {}): Session {
  const now = nowSeconds()
  return {
    provider: 'default',
    id: newSessionId(),
    idToken: ID_TOKEN,
    claims: { email: 'alice@example.com' },
    accessToken: 'opaque-access-token',
    accessTokenExpiresAt: now + 3600,
    createdAt: now,
    expiresAt: now + config.absoluteTimeout,
    lastSeenAt: now,
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

  it('reads a genuine seal with anything appended as no session', async () => {
    // iron-session itself would ignore the tail after its version suffix.
    expect(await unsealSession(`${await sealSession(session(), config)}AAAA`, config)).toBeNull()
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
    expect(await unsealSession(`Fe26.2*${'a'.repeat(20_000)}`, config)).toBeNull()
  })

  it('ends a session left idle longer than the idle timeout', async () => {
    const idle = session({ lastSeenAt: nowSeconds() - config.idleTimeout - 1 })
    expect(await unsealSession(await sealSession(idle, config), config)).toBeNull()
    const active = session({ lastSeenAt: nowSeconds() - config.idleTimeout + 30 })
    expect(await unsealSession(await sealSession(active, config), config)).not.toBeNull()
  })

  it('gives the user the ID token claims plus what userinfo added, without protocol claims', () => {
    expect(sessionUser(session())).toEqual({ sub: 'user-1', name: 'Alice Adams', email: 'alice@example.com' })
  })

  it('reads a session past its absolute lifetime as no session', async () => {
    const sealed = await sealSession(session(), config)
    vi.useFakeTimers({ now: Date.now() + (config.absoluteTimeout + 5) * 1000 })
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
    const noIdToken = await sealData({ ...session(), idToken: 'not-a-jwt' }, { password: config.secrets[0], ttl: 3600 })
    expect(await unsealSession(noIdToken, config)).toBeNull()
  })

  it('refuses to seal a session that a browser would drop', async () => {
    // Random group ids, so compression cannot save it.
    const huge = session({ claims: { groups: Array.from({ length: 600 }, () => crypto.randomUUID()) } })
    await expect(sealSession(huge, config)).rejects.toBeInstanceOf(SessionTooLargeError)
  })

  it('opens cookies sealed with an older secret after a rotation, and marks them for resealing', async () => {
    const oldSecret = 'o'.repeat(40)
    const rotated: SessionConfig = { ...config, secrets: ['n'.repeat(40), oldSecret] }
    const before = await sealSession(session(), { ...config, secrets: [oldSecret] })

    const opened = await openSession(before, rotated)
    expect(sessionUser(opened!.session).sub).toBe('user-1')
    expect(opened?.stale).toBe(true)

    const resealed = await sealSession(opened!.session, rotated)
    expect((await openSession(resealed, rotated))?.stale).toBe(false)
    // Once the old secret is dropped, only the resealed cookie still opens.
    const afterRotation: SessionConfig = { ...config, secrets: ['n'.repeat(40)] }
    expect(await openSession(resealed, afterRotation)).not.toBeNull()
    expect(await openSession(before, afterRotation)).toBeNull()
  })

  it('opens a session sealed whole by the previous release, and marks it for resealing in the compact form', async () => {
    const original = session()
    const { provider: _default, ...before } = original
    // A release from before several providers sealed `v: 1` and no provider: the default provider's.
    const previous = await sealData({ v: 1, ...before }, { password: config.secrets[0], ttl: 3600 })
    const opened = await openSession(previous, config)
    expect(opened).toEqual({ session: original, stale: true })
  })

  it("keeps a session's provider, and seals another provider's in a shape no older release reads as the default provider's", async () => {
    const several: SessionConfig = { ...config, providerIds: ['default', 'partner'] }
    const atPartner = session({ provider: 'partner' })
    const sealed = await sealSession(atPartner, several)
    expect((await openSession(sealed, several))?.session).toEqual(atPartner)
    // What is inside: v2 with its provider. Releases before several providers accept v1 only.
    const wire = decompress((await unsealData<{ z: string }>(sealed, { password: config.secrets[0] })).z, TOKEN_FIELDS)
    expect(wire).toMatchObject({ v: 2, provider: 'partner' })
    // The default provider's sessions stay v1 without a provider, as older releases wrote and read them.
    const atDefault = await sealSession(session(), several)
    const defaultWire = decompress(
      (await unsealData<{ z: string }>(atDefault, { password: config.secrets[0] })).z,
      TOKEN_FIELDS,
    )
    expect(defaultWire).toMatchObject({ v: 1 })
    expect(defaultWire).not.toHaveProperty('provider')
  })

  it('reads a session as signed out once its provider is no longer configured', async () => {
    const several: SessionConfig = { ...config, providerIds: ['default', 'partner'] }
    const sealed = await sealSession(session({ provider: 'partner' }), several)
    expect(await openSession(sealed, { ...config, providerIds: ['default'] })).toBeNull()
  })

  it('refuses a v2 seal that names the default provider, or no valid provider', async () => {
    const { provider: _p, ...rest } = session()
    for (const wire of [
      { v: 2, provider: 'default', ...rest },
      { v: 2, ...rest },
      { v: 2, provider: 'Bad-Id', ...rest },
      { v: 1, provider: 'partner', ...rest },
    ]) {
      const sealed = await sealData(wire, { password: config.secrets[0], ttl: 3600 })
      expect(await openSession(sealed, { ...config, providerIds: ['default', 'partner'] })).toBeNull()
    }
  })

  it('reads an authentic compact seal that does not inflate to a session as no session', async () => {
    const seal = (z: string) => sealData({ z }, { password: config.secrets[0], ttl: 3600 })
    expect(await unsealSession(await seal('not-deflate'), config)).toBeNull()
    expect(await unsealSession(await seal(''), config)).toBeNull()
    // A deflate bomb: 16 MB of zeros in a few kilobytes.
    const bomb = new Uint8Array(
      await new Response(
        new Blob([new Uint8Array(16 * 1024 * 1024)]).stream().pipeThrough(new CompressionStream('deflate-raw')),
      ).arrayBuffer(),
    )
    expect(await unsealSession(await seal(Buffer.from(bomb).toString('base64url')), config)).toBeNull()
  })
})

describe('remembered sessions', () => {
  it('still end at their idle and absolute timeouts, however often they were opened', async () => {
    const sealed = await sealSession(session(), config)
    expect(await unsealSession(sealed, config)).not.toBeNull()
    expect(await unsealSession(sealed, config)).not.toBeNull()
    vi.useFakeTimers({ now: Date.now() + (config.idleTimeout + 5) * 1000, toFake: ['Date'] })
    expect(await unsealSession(sealed, config)).toBeNull()
  })

  it('are remembered per configuration: another secret still does not open them', async () => {
    const sealed = await sealSession(session(), config)
    expect(await unsealSession(sealed, config)).not.toBeNull()
    expect(await unsealSession(sealed, otherConfig)).toBeNull()
  })
})

describe('session size', () => {
  /** A signed-looking JWT: the size of an RS256 signature, claims as given. */
  const jwt = (claims: object) =>
    unsignedJwt(
      claims,
      { alg: 'RS256', kid: 'k1', typ: 'JWT' },
      Buffer.from(crypto.getRandomValues(new Uint8Array(256))).toString('base64url'),
    )
  const now = nowSeconds()
  const base = {
    iss: 'https://identity.oraclecloud.com/',
    sub: 'alice',
    aud: 'app',
    iat: now,
    exp: now + 3600,
    name: 'Alice Adams',
  }
  /** About 3 KB of Oracle-style group claims, with random ids that do not compress away. */
  const groups = () =>
    Array.from({ length: 48 }, (_, i) => ({ id: crypto.randomUUID().replace(/-/g, ''), name: `app-role-${i}` }))

  it('fits ordinary tokens in one cookie', async () => {
    const sealed = await sealSession(session({ idToken: jwt(base), refreshToken: 'r'.repeat(43) }), config)
    expect(sealed.length).toBeLessThan(4096 - 'session='.length)
  })

  it('keeps Oracle-sized tokens (3 KB of extra claims in both) under 8 KiB of Cookie header', async () => {
    const idToken = jwt({ ...base, groups: groups() })
    const accessToken = jwt({ ...base, scope: 'openid profile', groups: groups() })
    expect(JSON.stringify(groups()).length).toBeGreaterThan(3000)
    expect(idToken.length + accessToken.length).toBeGreaterThan(8800)
    const sealed = await sealSession(session({ idToken, accessToken, refreshToken: 'r'.repeat(43) }), config)
    // Three chunk names and separators at most come on top.
    expect(sealed.length + 3 * '; session.0='.length).toBeLessThan(8192)
    expect((await unsealSession(sealed, config))?.accessToken).toBe(accessToken)
  })
})
