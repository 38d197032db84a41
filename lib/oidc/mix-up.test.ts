import { describe, expect, it } from 'vitest'
import { loginErrorStatus } from '../http/login-error-page'
import { LoginError } from './errors'
import { bindingFor, checkBinding } from './mix-up'
import type { DiscoveredProvider } from './provider'

/** What the binding reads of a discovered provider: its metadata and our client there. */
function provider(id: string, issuer: string, overrides: Record<string, string> = {}): DiscoveredProvider {
  return {
    as: { issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, ...overrides },
    config: { id, clientId: `${id}-client`, redirectUri: `https://app.example.com/auth/callback/${id}` },
  } as unknown as DiscoveredProvider
}

describe('a login bound to its provider', () => {
  const honest = provider('default', 'https://login.example.com')
  const partner = provider('partner', 'https://partner.example')

  it('is accepted by the provider it was started for', () => {
    expect(() => checkBinding(honest, bindingFor(honest))).not.toThrow()
  })

  it("is refused at another provider's callback, as a 400", () => {
    const refusal = (() => {
      try {
        checkBinding(honest, bindingFor(partner))
      } catch (error) {
        return error
      }
    })()
    expect(refusal).toBeInstanceOf(LoginError)
    expect(loginErrorStatus(refusal as LoginError)).toBe(400)
    expect((refusal as LoginError).detail).toMatch(/started at another identity provider/)
  })

  it('is refused when the provider changed under the same id since: issuer, client, endpoints', () => {
    const binding = bindingFor(honest)
    for (const changed of [
      provider('default', 'https://login.example.org'),
      provider('default', 'https://login.example.com', { token_endpoint: 'https://evil.test/token' }),
      provider('default', 'https://login.example.com', { authorization_endpoint: 'https://evil.test/authorize' }),
      { ...honest, config: { ...honest.config, clientId: 'another-client' } } as DiscoveredProvider,
    ]) {
      expect(() => checkBinding(changed, binding)).toThrow(/configuration changed while you were signing in/)
    }
  })
})
