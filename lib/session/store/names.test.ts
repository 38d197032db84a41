import { describe, expect, it } from 'vitest'
import { storeNames } from './names'

describe('store names', () => {
  it('name a value the same way every time, differently under another secret, never in clear', () => {
    const names = storeNames(['new-secret-0123456789-abcdefghijklmnopqr', 'old-secret-0123456789-abcdefghijklmnopqr'])
    const [current, older] = names.all('alice@example.com')
    expect(names.current('alice@example.com')).toBe(current)
    expect(storeNames(['new-secret-0123456789-abcdefghijklmnopqr']).current('alice@example.com')).toBe(current)
    // The older secret alone writes what the newer one can still find.
    expect(storeNames(['old-secret-0123456789-abcdefghijklmnopqr']).current('alice@example.com')).toBe(older)
    expect(current).not.toBe(older)
    expect(current).toMatch(/^[\w-]{22}$/)
    expect(current).not.toContain('alice')
    expect(names.current('bob@example.com')).not.toBe(current)
  })
})
