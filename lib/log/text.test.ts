import { describe, expect, it } from 'vitest'
import { MAX_LOGGED_CHARS, quoted } from './text'

describe('quoted', () => {
  it('quotes, escapes every line break and control character, and cuts long values', () => {
    expect(quoted('RS256')).toBe('"RS256"')
    expect(quoted('a\nb\r\u001b[31m\u0085\u2028\u202e"\\')).toBe('"a\\nb\\r\\u001b[31m\\u0085\\u2028\\u202e\\"\\\\"')
    expect(quoted(undefined)).toBe('"undefined"')
    const long = quoted('x'.repeat(10_000))
    expect(long).toBe(`"${'x'.repeat(MAX_LOGGED_CHARS)}…"`)
  })
})
