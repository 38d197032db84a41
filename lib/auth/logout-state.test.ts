import { describe, expect, it } from 'vitest'
import { isOurLogoutReturn, newLogoutState } from './logout-state'

describe('the state of a sign-out at the provider', () => {
  it('is 128 random bits, new every time', () => {
    const [a, b] = [newLogoutState(), newLogoutState()]
    expect(a).toMatch(/^[\w-]{22}$/)
    expect(a).not.toBe(b)
  })

  it('counts as our return only when the provider brings back exactly the state this browser holds', () => {
    const state = newLogoutState()
    expect(isOurLogoutReturn(state, state)).toBe(true)
    expect(isOurLogoutReturn(newLogoutState(), state)).toBe(false)
    expect(isOurLogoutReturn(undefined, state)).toBe(false)
    expect(isOurLogoutReturn(state, undefined)).toBe(false)
    // A cookie that is not one of ours is no proof, even when the query repeats it.
    expect(isOurLogoutReturn('x', 'x')).toBe(false)
  })
})
