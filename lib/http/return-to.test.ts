import { describe, expect, it } from 'vitest'
import { returnToUrl, safeReturnTo } from './return-to'

const base = new URL('https://app.example.com')

describe('safeReturnTo', () => {
  it.each([
    ['/profile', '/profile'],
    ['/profile?tab=claims&x=1', '/profile?tab=claims&x=1'],
    ['/a/../profile', '/profile'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
    ['/caf%C3%A9', '/caf%C3%A9'],
    // Encoded, a tab or slash is just a path character; the redirect stays absolute on our origin.
    ['/%09/evil.example', '/%09/evil.example'],
  ])('keeps the same-origin path %s', (input, expected) => {
    expect(safeReturnTo(input, base)).toBe(expected)
  })

  it.each([
    null,
    undefined,
    '',
    'profile',
    'https://evil.example',
    'https://evil.example/profile',
    '//evil.example',
    '///evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '/\\/evil.example',
    '/\t/evil.example',
    '/%09/evil.example'.replace('%09', '\t'),
    '/\n/evil.example',
    '/\r\n/evil.example',
    '/\u0000/evil.example',
    '/.//evil.example',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'http:evil.example',
    'https:/evil.example',
    '%2F%2Fevil.example',
    ' /profile',
    '/auth/logout',
    '/auth/login?returnTo=/profile',
    '/auth',
    `/${'a'.repeat(3000)}`,
  ])('falls back to / for %j', (input) => {
    expect(safeReturnTo(input, base)).toBe('/')
  })

  it('builds redirects on APP_BASE_URL whatever the input', () => {
    expect(returnToUrl('/profile?x=1', base).href).toBe('https://app.example.com/profile?x=1')
    expect(returnToUrl('//evil.example/x', base).href).toBe('https://app.example.com/')
  })
})
