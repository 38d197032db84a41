import { describe, expect, it } from 'vitest'
import { authorizationOptions, authorizationParameters } from './auth-params'

const options = (query: Record<string, string>) => authorizationOptions(new URLSearchParams(query))

describe('authorization request options', () => {
  it('passes on the allow-listed options in their well-formed shapes', () => {
    const parsed = options({
      prompt: 'login',
      max_age: '300',
      acr_values: 'urn:mace:incommon:iap:silver  phr',
      ui_locales: 'fr-CA en',
      login_hint: 'alice@example.com',
      claims: '{"id_token":{"acr":{"essential":true}}}',
    })
    expect(parsed).toEqual({
      prompt: 'login',
      maxAge: 300,
      acrValues: 'urn:mace:incommon:iap:silver phr',
      uiLocales: 'fr-CA en',
      loginHint: 'alice@example.com',
      claims: '{"id_token":{"acr":{"essential":true}}}',
    })
    expect(authorizationParameters(parsed)).toEqual([
      ['prompt', 'login'],
      ['max_age', '300'],
      ['acr_values', 'urn:mace:incommon:iap:silver phr'],
      ['ui_locales', 'fr-CA en'],
      ['login_hint', 'alice@example.com'],
      ['claims', '{"id_token":{"acr":{"essential":true}}}'],
    ])
  })

  it('drops everything else, including protocol parameters that are ours to set', () => {
    expect(
      options({
        redirect_uri: 'https://evil.example',
        response_type: 'token',
        scope: 'admin',
        state: 'x',
        nonce: 'y',
        foo: 'bar',
      }),
    ).toEqual({})
  })

  it.each([
    ['prompt', 'none'],
    ['prompt', 'login consent'],
    ['max_age', '-1'],
    ['max_age', '1e3'],
    ['max_age', '123456789'],
    ['acr_values', 'a\u0000b'],
    ['ui_locales', '<script>'],
    ['login_hint', 'line\nbreak'],
    ['login_hint', 'x'.repeat(300)],
    ['claims', 'not json'],
    ['claims', '[1,2,3]'],
    ['claims', '{"admin":true}'],
    ['claims', `{"id_token":{"x":"${'y'.repeat(3000)}"}}`],
  ])('drops a malformed %s (%j)', (name, value) => {
    expect(options({ [name]: value })).toEqual({})
  })
})
