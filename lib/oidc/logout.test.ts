import { describe, expect, it } from 'vitest'
import type { OidcConfig } from '../config'
import { beforeDeadline, endSessionEndpoint, endSessionUrl } from './logout'
import type { DiscoveredProvider } from './provider'

/** Only what signing out at the provider reads of a provider's configuration. */
const provider = (settings: Partial<OidcConfig> = {}) =>
  ({
    clientId: 'app',
    postLogoutRedirectUri: 'https://app.example.com/',
    logoutStyle: 'standard',
    ...settings,
  }) as OidcConfig

describe('signing out at the provider', () => {
  it('sends the browser with the ID token as a hint, where to come back, the client and the state (RP-Initiated Logout §2)', () => {
    const endpoint = new URL('https://op.example.com/logout?tenant=t1')
    const url = endSessionUrl(provider(), endpoint, 'id.token.value', 'state-123')
    expect(url.origin + url.pathname).toBe('https://op.example.com/logout')
    expect(Object.fromEntries(url.searchParams)).toEqual({
      tenant: 't1',
      id_token_hint: 'id.token.value',
      post_logout_redirect_uri: 'https://app.example.com/',
      client_id: 'app',
      state: 'state-123',
    })
    expect(endpoint.search).toBe('?tenant=t1')
  })

  it("speaks Cognito's /logout where configured: client_id and logout_uri, no ID token", () => {
    const url = endSessionUrl(
      provider({ logoutStyle: 'cognito' }),
      new URL('https://auth.example.com/logout'),
      'id.token.value',
      's',
    )
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'app', logout_uri: 'https://app.example.com/' })
  })

  it('uses a configured end-session endpoint without discovery, else discovery, else none', async () => {
    const unreachable = () => Promise.reject(new Error('discovery must not be asked'))
    const configured = new URL('https://op.example.com/custom-logout')
    expect(await endSessionEndpoint(provider({ endSessionEndpoint: configured }), unreachable)).toBe(configured)
    const discovered = (end_session_endpoint?: string) => () =>
      Promise.resolve({ as: { issuer: 'https://op.example.com', end_session_endpoint } } as DiscoveredProvider)
    expect((await endSessionEndpoint(provider(), discovered('https://op.example.com/end')))?.href).toBe(
      'https://op.example.com/end',
    )
    expect(await endSessionEndpoint(provider(), discovered(undefined))).toBeUndefined()
  })

  it('never waits past its deadline for a provider that hangs', async () => {
    const deadline = AbortSignal.timeout(50)
    const hung = new Promise<never>(() => {})
    await expect(beforeDeadline(hung, deadline)).rejects.toThrow()
    expect(await beforeDeadline(Promise.resolve('answered'), AbortSignal.timeout(1_000))).toBe('answered')
  })
})
