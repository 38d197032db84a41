/** The session a completed login begins, against the real embedded store (in this process). */
import { afterAll, describe, expect, it, vi } from 'vitest'
import { loadApp } from '../testing/app-env'
import { testSession } from '../testing/session'
import { unsignedJwt } from '../testing/tokens'

const { getConfig, getSessionStore, sessionRef, openSession } = await loadApp('sign-in')
const { beginSession } = await import('./sign-in')
afterAll(() => vi.unstubAllEnvs())

const tokens = (sub: string) => ({ idToken: unsignedJwt({ sub, sid: `op-${sub}` }), claims: {}, refreshToken: 'r1' })

describe('a completed login', () => {
  it('begins a session that is live in the store and sealed into the cookie value it hands back', async () => {
    const { session, sealed } = await beginSession(
      tokens('u1'),
      'default',
      'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
      getConfig().session,
    )
    expect(await getSessionStore().isLive(sessionRef(session), null)).toBe(true)
    expect((await openSession(sealed, getConfig().session))?.session).toEqual(session)
    const [listed] = await getSessionStore().list(sessionRef(session))
    expect(listed).toMatchObject({ id: session.id, device: 'Firefox on Linux' })
  })

  it('ends the session the browser held until now: a copy of its cookie does not stay live beside the new one', async () => {
    const before = testSession({ sub: 'u2' })
    await getSessionStore().begin(sessionRef(before), 'Firefox on Linux')
    const { session } = await beginSession(tokens('u2'), 'default', null, getConfig().session, before)
    expect(await getSessionStore().isLive(sessionRef(before), null)).toBe(false)
    expect(await getSessionStore().isLive(sessionRef(session), null)).toBe(true)
    expect(session.id).not.toBe(before.id)
  })
})
