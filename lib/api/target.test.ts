/**
 * Where a call may go: only under the API's URL. What a page or the proxy's
 * request asks for is refused whenever a server decoding it could land
 * elsewhere.
 */
import { describe, expect, it } from 'vitest'
import { apiTarget, isUnderApi } from './target'

const api = { url: new URL('https://api.example.com/orders') }

describe('apiTarget', () => {
  it('joins a path and a query under the API URL', () => {
    expect(apiTarget(api, '/items/42', '?page=2')?.href).toBe('https://api.example.com/orders/items/42?page=2')
    expect(apiTarget(api, 'items/', '')?.href).toBe('https://api.example.com/orders/items/')
    expect(apiTarget(api, '', '')?.href).toBe('https://api.example.com/orders')
    expect(apiTarget(api, '/caf%C3%A9', '')?.href).toBe('https://api.example.com/orders/caf%C3%A9')
  })

  for (const path of [
    '/../admin',
    '/..',
    '/%2e%2e/admin',
    '/%2E%2e',
    '/.%2e/x',
    '/./x',
    '/a%2fb',
    '/a%2F..%2Fb',
    '/a%5cb',
    '/a\\b',
    '//evil.example/x',
    '/a//b',
    '/%00',
    '/a?b',
    '/a#b',
    '/%zz',
  ]) {
    it(`refuses ${JSON.stringify(path)}`, () => {
      expect(apiTarget(api, path, '')).toBeUndefined()
    })
  }
})

describe('isUnderApi', () => {
  it('the URL itself and what is below it, as whole segments', () => {
    expect(isUnderApi(new URL('https://api.example.com/orders'), api)).toBe(true)
    expect(isUnderApi(new URL('https://api.example.com/orders/x'), api)).toBe(true)
    expect(isUnderApi(new URL('https://api.example.com/ordersX'), api)).toBe(false)
    expect(isUnderApi(new URL('https://api.example.com/'), api)).toBe(false)
    expect(isUnderApi(new URL('https://api.example.com.evil.example/orders'), api)).toBe(false)
    expect(isUnderApi(new URL('http://api.example.com/orders'), api)).toBe(false)
    expect(isUnderApi(new URL('https://user:pw@api.example.com/orders'), api)).toBe(false)
  })
})
