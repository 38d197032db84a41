import { describe, expect, it } from 'vitest'
import { compress, decompress, packToken, unpackToken } from './codec'
import { TOKEN_FIELDS } from './sealed'

const b64 = (text: string) => Buffer.from(text).toString('base64url')
const JWT = `${b64('{"alg":"RS256","kid":"k1"}')}.${b64('{"sub":"alice","name":"Alice Ådams ✓"}')}.c2lnbmF0dXJl`

describe('token packing', () => {
  it('stores a JWT as its decoded header and payload, and rebuilds the very same string', () => {
    const packed = packToken(JWT)
    expect(packed).toEqual(['{"alg":"RS256","kid":"k1"}', '{"sub":"alice","name":"Alice Ådams ✓"}', 'c2lnbmF0dXJl'])
    expect(unpackToken(packed)).toBe(JWT)
  })

  it('keeps verbatim what it could not rebuild byte for byte', () => {
    const nonCanonical = `${b64('{"a":1}').slice(0, -1)}1.${b64('{}')}.sig` // trailing bits set
    const padded = `${Buffer.from('{"a":1}').toString('base64')}.e30.sig`
    const notUtf8 = `${Buffer.from([0xff, 0xfe]).toString('base64url')}.e30.sig`
    for (const token of ['opaque-access-token', 'a.b.c.d.e', nonCanonical, padded, notUtf8, 'e30.e30.sig+/']) {
      expect(packToken(token), token).toBe(token)
      expect(unpackToken(packToken(token))).toBe(token)
    }
  })

  it('refuses a stored token of another shape', () => {
    for (const bad of [1, null, ['a', 'b'], ['a', 'b', 3], { a: 1 }]) expect(unpackToken(bad)).toBeUndefined()
  })
})

describe('compression', () => {
  it('round-trips a record, tokens included, into a base64url string smaller than its JSON', async () => {
    const record = {
      idToken: JWT,
      accessToken: JWT.replace('alice', 'bob'),
      refreshToken: 'opaque',
      n: 1,
      claims: { groups: Array(50).fill('admins') },
    }
    const text = compress(record, TOKEN_FIELDS)
    expect(text).toMatch(/^[\w-]+$/)
    expect(text.length).toBeLessThan(JSON.stringify(record).length / 2)
    expect(decompress(text, TOKEN_FIELDS)).toEqual(record)
  })

  it('reads anything else as undefined', async () => {
    for (const text of ['', 'not base64!', b64('plain text'), compress({ idToken: 5 }, [])]) {
      expect(decompress(text, ['idToken']), text).toBeUndefined()
    }
  })
})
