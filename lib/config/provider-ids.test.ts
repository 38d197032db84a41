import { describe, expect, it } from 'vitest'
import { listedProviderIds, providerIdProblem, providerVariable } from './provider-ids'

describe('provider ids', () => {
  it('name each provider’s variables; the default provider keeps the unprefixed ones', () => {
    expect(providerVariable('default', 'ISSUER')).toBe('OIDC_ISSUER')
    expect(providerVariable('corp', 'CLIENT_ID')).toBe('OIDC_CORP_CLIENT_ID')
  })

  it('are a lower-case letter and up to 15 letters or digits, and never reach into another setting’s variable', () => {
    for (const id of ['corp', 'google', 'partner2', 'a']) expect(providerIdProblem(id), id).toBeUndefined()
    for (const id of ['Corp', '2fa', 'my-idp', 'a'.repeat(17), ''])
      expect(providerIdProblem(id), id).toMatch(/not a provider id/)
    // Provider `token` would read OIDC_TOKEN_ISSUER, the default provider's setting, as its own ISSUER.
    expect(providerIdProblem('token')).toMatch(/reserved id.*OIDC_TOKEN_ISSUER.*"tokenidp"/)
  })

  it('are listed in order, once each, the unusable left out; `default` alone when OIDC_PROVIDERS is unset', () => {
    expect(listedProviderIds({})).toEqual(['default'])
    expect(listedProviderIds({ OIDC_PROVIDERS: ' corp, google ,corp,,Bad, token' })).toEqual(['corp', 'google'])
  })
})
