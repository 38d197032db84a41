/** The session's own policy: when it begins, ends, moves its idle clock and wants a refresh; and its sealed shape. */
import { describe, expect, it } from 'vitest'
import { parseSessionConfig, type SessionConfig } from '../config'
import { testSession } from '../testing/session'
import {
  isExpired,
  needsRefresh,
  newSession,
  sessionEndsAt,
  sessionFromWire,
  sessionToWire,
  touchDue,
  touched,
  withTokens,
} from './session'

const config = (idle: number, absolute = 8 * 3600) =>
  parseSessionConfig({
    APP_BASE_URL: 'http://localhost:3000',
    SESSION_SECRET: 's'.repeat(40),
    SESSION_IDLE_TIMEOUT: String(idle),
    SESSION_ABSOLUTE_TIMEOUT: String(absolute),
  }) as SessionConfig

describe('a session', () => {
  it('begins with a new id and its clock at sign-in, and keeps both through a refresh', () => {
    const started = newSession({ idToken: 'a.b.c', claims: {}, refreshToken: 'r1' }, 'default', config(1800), 1000)
    expect(started).toMatchObject({
      provider: 'default',
      createdAt: 1000,
      lastSeenAt: 1000,
      expiresAt: 1000 + 8 * 3600,
    })
    expect(started.id).toMatch(/^[\w-]{22}$/)
    const refreshed = withTokens(started, { idToken: 'd.e.f', claims: {}, refreshToken: 'r2' })
    expect(refreshed).toMatchObject({ id: started.id, createdAt: 1000, refreshToken: 'r2', idToken: 'd.e.f' })
  })

  it('ends at its absolute limit or after the idle timeout, whichever comes first', () => {
    const session = testSession({ now: 1000, lifetime: 3600 })
    const c = config(1800)
    expect(sessionEndsAt(session, c)).toBe(2800)
    expect(isExpired(session, c, 2799)).toBe(false)
    expect(isExpired(session, c, 2800)).toBe(true)
    // Activity moves the idle end on, never past the absolute one.
    expect(sessionEndsAt(touched(session, 3000), c)).toBe(4600)
    expect(isExpired(touched(session, 4500), c, 4600)).toBe(true)
  })

  it('moves its idle clock every quarter of the idle timeout, at most every minute', () => {
    const session = testSession({ now: 1000 })
    expect([touchDue(session, config(60), 1014), touchDue(session, config(60), 1015)]).toEqual([false, true])
    expect([touchDue(session, config(1800), 1059), touchDue(session, config(1800), 1060)]).toEqual([false, true])
  })

  it('wants a refresh once its refresh time has come, and only with a refresh token', () => {
    const due = { ...testSession({ now: 1000 }), refreshToken: 'r', refreshAt: 1240 }
    expect([needsRefresh(due, 1239), needsRefresh(due, 1240)]).toEqual([false, true])
    expect(needsRefresh({ ...due, refreshToken: undefined }, 5000)).toBe(false)
  })

  it("seals as the default provider's v1 or another's v2, and reads back only a shape it wrote", () => {
    const mine = testSession()
    expect(sessionToWire(mine)).toMatchObject({ v: 1 })
    expect(sessionFromWire(sessionToWire(mine))).toEqual(mine)
    const partner = { ...testSession(), provider: 'partner' }
    expect(sessionToWire(partner)).toMatchObject({ v: 2, provider: 'partner' })
    expect(sessionFromWire(sessionToWire(partner))).toEqual(partner)
    // A v2 that names the default provider, a session without an id, or another shape: no session.
    expect(sessionFromWire({ ...sessionToWire(mine), v: 2, provider: 'default' })).toBeUndefined()
    expect(sessionFromWire({ ...sessionToWire(mine), id: undefined })).toBeUndefined()
    expect(sessionFromWire({ ...sessionToWire(mine), expiresAt: 'never' })).toBeUndefined()
  })
})
