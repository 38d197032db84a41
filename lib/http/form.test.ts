import { describe, expect, it } from 'vitest'
import { readForm } from './form'

const post = (body: string, type = 'application/x-www-form-urlencoded') =>
  new Request('http://localhost/auth/logout', { method: 'POST', body, headers: { 'content-type': type } })

describe('a small form', () => {
  it('is read when url-encoded and within the limit', async () => {
    expect(Object.fromEntries((await readForm(post('scope=one&session=abc'), 1024))!)).toEqual({
      scope: 'one',
      session: 'abc',
    })
    expect(
      (await readForm(post('scope=all', 'application/x-www-form-urlencoded; charset=UTF-8'), 1024))?.get('scope'),
    ).toBe('all')
  })

  it('is no form in another type, or over the limit', async () => {
    expect(await readForm(post('{"scope":"all"}', 'application/json'), 1024)).toBeUndefined()
    expect(await readForm(post(`scope=${'a'.repeat(2000)}`), 1024)).toBeUndefined()
  })
})
