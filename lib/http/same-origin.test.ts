import { describe, expect, it } from 'vitest'
import { isSameOriginRequest } from './same-origin'

const app = new URL('https://app.example.com')
const check = (headers: Record<string, string>) => isSameOriginRequest(new Headers(headers), app)

describe('isSameOriginRequest', () => {
  it('lets through a form posted from our own pages', () => {
    expect(check({ origin: 'https://app.example.com', 'sec-fetch-site': 'same-origin' })).toBe(true)
    expect(check({ origin: 'https://app.example.com' })).toBe(true)
    expect(check({ 'sec-fetch-site': 'same-origin' })).toBe(true)
  })

  it('refuses another site, a sibling subdomain, another port or scheme, and an opaque origin', () => {
    for (const origin of [
      'https://evil.example',
      'https://other.app.example.com',
      'https://app.example.com:8443',
      'http://app.example.com',
      'null',
    ]) {
      expect(check({ origin }), origin).toBe(false)
    }
    expect(check({ 'sec-fetch-site': 'cross-site' })).toBe(false)
    expect(check({ 'sec-fetch-site': 'same-site', origin: 'https://app.example.com' })).toBe(false)
    expect(check({ 'sec-fetch-site': 'none' })).toBe(false)
  })

  it('refuses a request whose headers disagree', () => {
    expect(check({ origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' })).toBe(false)
  })

  it("lets through a request from no browser at all (neither header): it carries no victim's cookies", () => {
    expect(check({})).toBe(true)
  })
})
