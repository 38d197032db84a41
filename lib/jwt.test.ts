import { describe, expect, it } from 'vitest'
import { decodeJwt } from './jwt'
import { unsignedJwt } from './testing/tokens'

describe('reading a JWT that was validated when it arrived', () => {
  it('gives its header and claims, non-ASCII text included', () => {
    const { header, claims } = decodeJwt(unsignedJwt({ sub: 'user-1', name: 'Zoë Ådahl', groups: ['a', 'b'] }))
    expect(header).toHaveProperty('alg')
    expect(claims).toEqual({ sub: 'user-1', name: 'Zoë Ådahl', groups: ['a', 'b'] })
  })

  it('throws on anything that is not a compact JWS, rather than answering with guesses', () => {
    for (const token of ['', 'not-a-jwt', 'a.b.c', `${btoa('{}')}.`]) expect(() => decodeJwt(token), token).toThrow()
  })
})
