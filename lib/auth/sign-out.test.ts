/**
 * Ending sessions at sign-out, against the real embedded store (in this
 * process): which sessions each scope ends, and when the store is asked
 * whether this session is still live (only for scopes that end other sessions,
 * and then once).
 */
import { afterAll, describe, expect, it, vi } from 'vitest'
import { nowSeconds } from '../clock'
import type { Session } from '../session/session'
import type { SessionState } from '../session/state'
import { loadApp } from '../testing/app-env'
import { testSession } from '../testing/session'
import { signOutScope } from './sign-out'

const { getSessionStore, sessionRef } = await loadApp('sign-out')
const { endSessions } = await import('./sign-out')
afterAll(() => vi.unstubAllEnvs())

let users = 0
/** Two live sessions of a new user (this browser's first, another device's second), and what the store says of them. */
async function twoDevices() {
  const sub = `user-${++users}`
  const now = nowSeconds()
  const make = () => testSession({ sub, now })
  const [mine, other] = [make(), make()]
  for (const s of [mine, other]) await getSessionStore().begin(sessionRef(s), 'Firefox on Linux')
  const live = (s: Session) => getSessionStore().isLive(sessionRef(s), null)
  return { mine, other, live }
}

/** This request's session as the route hands it down, counting how often the store's answer is asked for. */
function requestSession(session: Session | undefined, state: SessionState) {
  const asked = { count: 0 }
  return {
    asked,
    current: {
      hasCookie: true,
      session,
      state: () => {
        asked.count++
        return Promise.resolve(state)
      },
    },
  }
}

describe('the sign-out form', () => {
  it('names this session, all, the others, or one by its id; anything else is this session, a malformed id none', () => {
    const form = (fields: Record<string, string>) => new URLSearchParams(fields)
    expect(signOutScope(undefined)).toEqual({ kind: 'this' })
    expect(signOutScope(form({ scope: 'everything' }))).toEqual({ kind: 'this' })
    expect(signOutScope(form({ scope: 'all' }))).toEqual({ kind: 'all' })
    expect(signOutScope(form({ scope: 'others' }))).toEqual({ kind: 'others' })
    expect(signOutScope(form({ scope: 'one', session: 'a'.repeat(22) }))).toEqual({ kind: 'one', id: 'a'.repeat(22) })
    expect(signOutScope(form({ scope: 'one', session: '*' }))).toEqual({ kind: 'one', id: '' })
  })
})

describe('ending sessions', () => {
  it('ends this session without asking whether it is live (ending only ends more), and no other', async () => {
    const { mine, other, live } = await twoDevices()
    const { current, asked } = requestSession(mine, { status: 'signed-out', clearCookie: true })
    expect(await endSessions(current, { kind: 'this' })).toBe('ended')
    expect(asked.count).toBe(0)
    expect([await live(mine), await live(other)]).toEqual([false, true])
  })

  it('ends the others, or all, for a live session, asking the store once', async () => {
    const others = await twoDevices()
    const live = requestSession(others.mine, { status: 'active', session: others.mine, resealDue: false })
    expect(await endSessions(live.current, { kind: 'others' })).toBe('ended')
    expect(live.asked.count).toBe(1)
    expect([await others.live(others.mine), await others.live(others.other)]).toEqual([true, false])

    const all = await twoDevices()
    expect(
      await endSessions(requestSession(all.mine, { status: 'active', session: all.mine, resealDue: false }).current, {
        kind: 'all',
      }),
    ).toBe('ended')
    expect([await all.live(all.mine), await all.live(all.other)]).toEqual([false, false])
  })

  it('ends nothing for a stale copy of a cookie, nor when the store cannot say, nor without a session', async () => {
    const { mine, other, live } = await twoDevices()
    const stale = requestSession(mine, { status: 'signed-out', clearCookie: true })
    expect(await endSessions(stale.current, { kind: 'all' })).toBe('not-live')
    expect(await endSessions(requestSession(mine, { status: 'unverifiable' }).current, { kind: 'others' })).toBe(
      'unverifiable',
    )
    const none = requestSession(undefined, { status: 'signed-out', clearCookie: false })
    expect(await endSessions(none.current, { kind: 'this' })).toBe('not-live')
    expect(none.asked.count).toBe(0)
    expect([await live(mine), await live(other)]).toEqual([true, true])
  })

  it('ends one of the user own sessions by its id, and nobody else is', async () => {
    const me = await twoDevices()
    const someoneElse = await twoDevices()
    const active = requestSession(me.mine, { status: 'active', session: me.mine, resealDue: false }).current
    expect(await endSessions(active, { kind: 'one', id: someoneElse.other.id })).toBe('not-found')
    expect(await someoneElse.live(someoneElse.other)).toBe(true)
    expect(await endSessions(active, { kind: 'one', id: me.other.id })).toBe('ended')
    expect([await me.live(me.mine), await me.live(me.other)]).toEqual([true, false])
    expect(await endSessions(active, { kind: 'one', id: '' })).toBe('not-found')
  })
})
