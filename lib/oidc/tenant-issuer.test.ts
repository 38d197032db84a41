import { describe, expect, it } from 'vitest'
import { fitsTemplate, issuerForTenant } from './tenant-issuer'

const template = 'https://login.microsoftonline.com/{tenantid}/v2.0'

describe('Entra ID issuer templates', () => {
  it.each(['https://login.microsoftonline.com/common/v2.0', 'https://login.microsoftonline.com/organizations/v2.0/'])(
    'accepts the configured issuer %s as fitting the template',
    (configured) => expect(fitsTemplate(template, configured)).toBe(true),
  )

  it.each([
    'https://login.microsoftonline.com.evil.example/common/v2.0',
    'https://evil.example/common/v2.0',
    'https://login.microsoftonline.com/common/v2.0/extra',
    'https://login.microsoftonline.com/a/b/v2.0',
  ])('refuses %s', (configured) => expect(fitsTemplate(template, configured)).toBe(false))

  it("fills in a token's tid, and refuses one that is no tenant id", () => {
    expect(issuerForTenant(template, '9188040d-6c67-4c5b-b112-36a304b66dad')).toBe(
      'https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0',
    )
    for (const tid of [undefined, 42, '', '../evil', 'a/b']) expect(issuerForTenant(template, tid)).toBeUndefined()
  })
})
