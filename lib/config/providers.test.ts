import { describe, expect, it } from 'vitest'
import { configProblems } from '../testing/config-problems'
import { offersChoice, parseConfig, providerById, providerForEmail } from '.'
import { normalizeDomain } from './providers'

const base = { APP_BASE_URL: 'https://app.example.com', SESSION_SECRET: 'x'.repeat(32) }
const defaultProvider = { OIDC_ISSUER: 'https://login.example.com', OIDC_CLIENT_ID: 'app', OIDC_CLIENT_SECRET: 'shh' }
const partner = {
  OIDC_PARTNER_ISSUER: 'https://partner.okta.example',
  OIDC_PARTNER_CLIENT_ID: 'p-app',
  OIDC_PARTNER_CLIENT_SECRET: 'p-shh',
}
/** The default provider and the partner, as a two-provider deployment configures them. */
const both = { ...base, ...defaultProvider, ...partner }
const providersOf = (settings: Record<string, string>) => parseConfig({ ...both, ...settings }).providers

const problemsOf = configProblems

describe('several providers', () => {
  it('without OIDC_PROVIDERS: the one default provider of the unprefixed variables, at the routes it always had', () => {
    const { providers } = parseConfig(both)
    expect(providers.list.map((p) => p.id)).toEqual(['default'])
    expect(offersChoice(providers)).toBe(false)
    const only = providers.list[0]
    expect(only.issuer.href).toBe('https://login.example.com/')
    expect(only.redirectUri).toBe('https://app.example.com/auth/callback')
    expect(only.name).toBe('login.example.com')
    expect(providers.listed).toBe(false)
    expect(parseConfig({ ...base, ...defaultProvider, OIDC_PROVIDERS: 'default' }).providers.listed).toBe(true)
  })

  it('reads OIDC_<ID>_* for each listed id, in button order, with its own redirect URI', () => {
    const providers = providersOf({
      OIDC_PROVIDERS: 'partner, default',
      OIDC_PARTNER_NAME: 'Partner (Okta)',
      OIDC_PARTNER_USE_PAR: 'true',
    })
    expect(providers.list.map((p) => p.id)).toEqual(['partner', 'default'])
    const p = providerById(providers, 'partner')!
    expect(p).toMatchObject({
      clientId: 'p-app',
      credentials: { method: 'client_secret_basic', secret: 'p-shh' },
      name: 'Partner (Okta)',
      usePar: true,
    })
    expect(p.redirectUri).toBe('https://app.example.com/auth/callback/partner')
    expect(providerById(providers, 'default')!.usePar).toBe(false)
    expect(p.variable('CLIENT_SECRET')).toBe('OIDC_PARTNER_CLIENT_SECRET')
  })

  it('names the prefixed variable in every problem of a provider', () => {
    const problems = problemsOf({
      ...base,
      ...defaultProvider,
      OIDC_PROVIDERS: 'default,partner',
      OIDC_PARTNER_CLIENT_ID: 'p',
      OIDC_PARTNER_SCOPE: 'email',
    })
    expect(problems).toEqual([
      expect.stringMatching(/^OIDC_PARTNER_ISSUER is not set.*or remove partner from OIDC_PROVIDERS/),
      expect.stringMatching(/^OIDC_PARTNER_SCOPE must include "openid"/),
    ])
  })

  it('refuses malformed, repeated and reserved ids, naming what collides', () => {
    expect(problemsOf({ ...base, ...defaultProvider, OIDC_PROVIDERS: 'default,Partner' })[0]).toMatch(
      /"Partner", which is not a provider id/,
    )
    expect(problemsOf({ ...base, ...defaultProvider, OIDC_PROVIDERS: 'default,my_idp' })[0]).toMatch(
      /"my_idp", which is not a provider id/,
    )
    expect(problemsOf({ ...base, ...defaultProvider, OIDC_PROVIDERS: 'default,a2345678901234567' })[0]).toMatch(
      /not a provider id/,
    )
    expect(problemsOf({ ...base, ...defaultProvider, OIDC_PROVIDERS: 'default,default' })[0]).toMatch(
      /lists "default" twice/,
    )
    // Provider `token` would read OIDC_TOKEN_ISSUER, the default provider's setting, as its issuer.
    expect(problemsOf({ ...base, ...defaultProvider, OIDC_PROVIDERS: 'default,token' })[0]).toMatch(
      /"token", a reserved id.*OIDC_TOKEN_ISSUER/,
    )
    for (const id of ['client', 'end', 'use', 'logout', 'allow', 'auth']) {
      expect(problemsOf({ ...base, ...defaultProvider, OIDC_PROVIDERS: `default,${id}` })[0]).toMatch(/a reserved id/)
    }
    expect(problemsOf({ ...base, OIDC_PROVIDERS: ' , ' })[0]).toMatch(/lists no provider/)
  })

  it('refuses unprefixed settings that no listed provider reads', () => {
    expect(problemsOf({ ...both, OIDC_PROVIDERS: 'partner' })).toEqual([
      expect.stringMatching(/OIDC_ISSUER is set, but OIDC_PROVIDERS does not list "default"/),
    ])
    expect(parseConfig({ ...base, ...partner, OIDC_PROVIDERS: 'partner' }).providers.list.map((p) => p.id)).toEqual([
      'partner',
    ])
  })

  it('routes an e-mail address by the exact domain, whatever its case or script, never by suffix', () => {
    const providers = providersOf({
      OIDC_PROVIDERS: 'default,partner',
      OIDC_DOMAINS: 'Example.com',
      OIDC_PARTNER_DOMAINS: 'partner.example, bücher.example',
    })
    expect(providerById(providers, 'partner')!.domains).toEqual(['partner.example', 'xn--bcher-kva.example'])
    expect(providerForEmail(providers, 'alice@EXAMPLE.COM')?.id).toBe('default')
    expect(providerForEmail(providers, 'bob@Partner.Example')?.id).toBe('partner')
    expect(providerForEmail(providers, 'carol@BÜCHER.example')?.id).toBe('partner')
    expect(providerForEmail(providers, 'carol@xn--bcher-kva.example')?.id).toBe('partner')
    expect(providerForEmail(providers, 'dave@sub.example.com')).toBeUndefined()
    expect(providerForEmail(providers, 'eve@example.com.evil.test')).toBeUndefined()
    expect(providerForEmail(providers, 'mallory@notexample.com')).toBeUndefined()
    expect(providerForEmail(providers, 'example.com')).toBeUndefined()
    expect(providerForEmail(providers, '@example.com')).toBeUndefined()
    // The last @ is the domain's: a quoted local part cannot smuggle another domain in.
    expect(providerForEmail(providers, '"a@partner.example"@example.com')?.id).toBe('default')
  })

  it('refuses a domain claimed by two providers, and domains that are not domains', () => {
    const env = {
      ...both,
      OIDC_PROVIDERS: 'default,partner',
      OIDC_DOMAINS: 'example.com',
      OIDC_PARTNER_DOMAINS: 'EXAMPLE.com.',
    }
    expect(problemsOf(env)).toEqual([
      expect.stringMatching(/example\.com is in both OIDC_DOMAINS and OIDC_PARTNER_DOMAINS/),
    ])
    expect(problemsOf({ ...env, OIDC_PARTNER_DOMAINS: 'https://partner.example/' })[0]).toMatch(
      /OIDC_PARTNER_DOMAINS lists "https:\/\/partner.example\/", which is not a domain/,
    )
    expect(normalizeDomain('*.example.com')).toBeUndefined()
    expect(normalizeDomain('user@example.com')).toBeUndefined()
  })

  it('takes fixed authorization parameters, but none the login sets itself', () => {
    const env = {
      ...both,
      OIDC_PROVIDERS: 'default,partner',
      OIDC_PARTNER_AUTH_PARAMS: 'domain_hint=contoso.com&kc_idp_hint=saml',
    }
    expect(providerById(parseConfig(env).providers, 'partner')!.authParams).toEqual([
      ['domain_hint', 'contoso.com'],
      ['kc_idp_hint', 'saml'],
    ])
    expect(problemsOf({ ...env, OIDC_PARTNER_AUTH_PARAMS: 'redirect_uri=https://evil.test' })[0]).toMatch(
      /OIDC_PARTNER_AUTH_PARAMS sets "redirect_uri"/,
    )
    expect(problemsOf({ ...env, OIDC_PARTNER_AUTH_PARAMS: 'state=x' })[0]).toMatch(/sets "state"/)
  })

  it("lists every provider's origin for the policy's form-action, and the ids a session may belong to", () => {
    const env = {
      ...both,
      OIDC_PROVIDERS: 'default,partner',
      OIDC_PARTNER_END_SESSION_ENDPOINT: 'https://logout.partner.example/end',
    }
    const { session } = parseConfig(env)
    expect(session.providerOrigins).toEqual([
      'https://login.example.com',
      'https://partner.okta.example',
      'https://logout.partner.example',
    ])
    expect(session.providerIds).toEqual(['default', 'partner'])
  })
})
