import { describe, expect, it } from 'vitest'
import { testSession } from '../testing/session'
import { unsignedJwt } from '../testing/tokens'
import { sessionRef } from './ref'

describe('what the store knows of a session', () => {
  it('is its id, its provider, the user (provider, sub), the provider session (sid) and its times: no token', () => {
    const session = testSession({
      idToken: unsignedJwt({ sub: 'u1', sid: 'op-session-1', email: 'u1@example.com' }),
      now: 1000,
    })
    expect(sessionRef(session)).toEqual({
      id: session.id,
      provider: 'default',
      sub: 'u1',
      sid: 'op-session-1',
      createdAt: 1000,
      expiresAt: 4600,
    })
  })

  it('has no sid where the provider gave none, and is read once per session object', () => {
    const session = testSession({ sub: 'u2' })
    expect(sessionRef(session).sid).toBeUndefined()
    expect(sessionRef(session)).toBe(sessionRef(session))
  })
})
