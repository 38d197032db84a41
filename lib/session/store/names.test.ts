import { createHmac, hkdfSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { storeNames } from './names'

describe('store names', () => {
  it('name a value the same way every time, differently under another secret, never in clear', () => {
    const names = storeNames(['new-secret-0123456789-abcdefghijklmnopqr', 'old-secret-0123456789-abcdefghijklmnopqr'])
    const [current, older] = names.all('alice@example.com', 'default')
    expect(names.current('alice@example.com', 'default')).toBe(current)
    expect(storeNames(['new-secret-0123456789-abcdefghijklmnopqr']).current('alice@example.com', 'default')).toBe(
      current,
    )
    // The older secret alone writes what the newer one can still find.
    expect(storeNames(['old-secret-0123456789-abcdefghijklmnopqr']).current('alice@example.com', 'default')).toBe(older)
    expect(current).not.toBe(older)
    expect(current).toMatch(/^[\w-]{22}$/)
    expect(current).not.toContain('alice')
    expect(names.current('bob@example.com', 'default')).not.toBe(current)
  })

  it("give the same sub at two providers two unrelated names, and keep the default provider's names as they were", () => {
    const secret = 'new-secret-0123456789-abcdefghijklmnopqr'
    const names = storeNames([secret])
    const atDefault = names.current('248289761001', 'default')
    const atPartner = names.current('248289761001', 'partner')
    expect(atPartner).not.toBe(atDefault)
    expect(names.current('248289761001', 'google')).not.toBe(atPartner)
    // A name written before there were several providers (HMAC under the original label) is still the default provider's.
    const legacyKey = Buffer.from(hkdfSync('sha256', secret, '', 'nextjs-oidc-login session store names', 32))
    expect(atDefault).toBe(
      createHmac('sha256', legacyKey).update('248289761001').digest().subarray(0, 16).toString('base64url'),
    )
    // No spelling of a sub at one provider reaches another's user.
    expect(names.current('partner 248289761001', 'default')).not.toBe(atPartner)
  })
})
