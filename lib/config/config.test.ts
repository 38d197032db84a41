import { describe, expect, it } from 'vitest'
import { configProblems as problemsOf, VALID_ENV as valid } from '../testing/config-problems'
import { cookieName } from '../cookies/policy'
import { parseConfig } from '.'

describe('parseConfig', () => {
  it('accepts a complete configuration and fills in the defaults', () => {
    const config = parseConfig(valid)
    expect(config.providers.list[0].issuer.href).toBe('https://login.example.com/oauth2/default')
    expect(config.providers.list[0].expectedIssuer.href).toBe(config.providers.list[0].issuer.href)
    expect(config.providers.list[0].scope).toBe('openid profile email')
    expect(config.providers.list[0].credentials).toEqual({ method: 'client_secret_basic', secret: 'shh' })
    expect(config.providers.list[0].redirectUri).toBe('http://localhost:3000/auth/callback')
    expect(config.providers.list[0].postLogoutRedirectUri).toBe('http://localhost:3000/')
    expect(config.providers.list[0].allowHttp).toBe(false)
    expect(config.session.secureCookies).toBe(false)
    expect(cookieName('session', config.session)).toBe('session')
  })

  it('lists every missing variable at once, each with how to fix it', () => {
    const problems = problemsOf({})
    expect(problems).toHaveLength(4)
    expect(problems.join('\n')).toMatch(/APP_BASE_URL is not set/)
    expect(problems.join('\n')).toMatch(/SESSION_SECRET is not set.*openssl rand/)
    expect(problems.join('\n')).toMatch(/OIDC_ISSUER is not set.*npm run dev/)
    expect(problems.join('\n')).toMatch(/OIDC_CLIENT_ID is not set/)
  })

  it('refuses a short session secret and says how long it must be', () => {
    expect(problemsOf({ ...valid, SESSION_SECRET: 'too-short' })).toEqual([
      expect.stringMatching(/SESSION_SECRET is 9 characters long; it must be at least 32/),
    ])
  })

  it('takes several secrets, newest first, each checked on its own', () => {
    const newest = 'n'.repeat(32)
    const oldest = 'o'.repeat(40)
    expect(parseConfig({ ...valid, SESSION_SECRET: ` ${newest} , ${oldest} ` }).session.secrets).toEqual([
      newest,
      oldest,
    ])
    expect(problemsOf({ ...valid, SESSION_SECRET: `${newest},short` })).toEqual([
      expect.stringMatching(
        /The second secret in SESSION_SECRET is 5 characters long; it must be at least 32.*separated by commas/,
      ),
    ])
    expect(problemsOf({ ...valid, SESSION_SECRET: Array(6).fill(newest).join(',') })[0]).toMatch(
      /holds 6 secrets; keep at most 5/,
    )
  })

  it('reads the session timeouts, with defaults of 8 hours and 30 minutes', () => {
    expect(parseConfig(valid).session).toMatchObject({ absoluteTimeout: 28800, idleTimeout: 1800 })
    expect(
      parseConfig({ ...valid, SESSION_ABSOLUTE_TIMEOUT: '3600', SESSION_IDLE_TIMEOUT: '600' }).session,
    ).toMatchObject({
      absoluteTimeout: 3600,
      idleTimeout: 600,
    })
    expect(problemsOf({ ...valid, SESSION_IDLE_TIMEOUT: '30m' })[0]).toMatch(
      /SESSION_IDLE_TIMEOUT must be a whole number of seconds/,
    )
    expect(problemsOf({ ...valid, SESSION_ABSOLUTE_TIMEOUT: '10' })[0]).toMatch(
      /SESSION_ABSOLUTE_TIMEOUT must be a whole number of seconds between 60/,
    )
    expect(problemsOf({ ...valid, SESSION_ABSOLUTE_TIMEOUT: '600', SESSION_IDLE_TIMEOUT: '1200' })[0]).toMatch(
      /SESSION_IDLE_TIMEOUT \(1200\) is longer than SESSION_ABSOLUTE_TIMEOUT \(600\)/,
    )
  })

  it('reads API_ENDPOINT when set', () => {
    expect(parseConfig(valid).apiEndpoint).toBeUndefined()
    expect(parseConfig({ ...valid, API_ENDPOINT: 'https://api.example.com/me' }).apiEndpoint?.href).toBe(
      'https://api.example.com/me',
    )
    expect(problemsOf({ ...valid, API_ENDPOINT: 'ftp://api' })[0]).toMatch(/API_ENDPOINT must be an http\(s\) URL/)
  })

  it('refuses an APP_BASE_URL that is not an origin', () => {
    expect(problemsOf({ ...valid, APP_BASE_URL: 'http://localhost:3000/app' })[0]).toMatch(
      /origin only.*http:\/\/localhost:3000/,
    )
    expect(problemsOf({ ...valid, APP_BASE_URL: 'localhost:3000' })[0]).toMatch(/APP_BASE_URL must be an http\(s\) URL/)
  })

  it('uses Secure cookies with the __Host- prefix when the app is on https', () => {
    const config = parseConfig({ ...valid, APP_BASE_URL: 'https://app.example.com/' })
    expect(config.session.secureCookies).toBe(true)
    expect(cookieName('session', config.session)).toBe('__Host-session')
    expect(config.providers.list[0].redirectUri).toBe('https://app.example.com/auth/callback')
  })

  it('refuses a plain-http issuer off this machine, naming the opt-in', () => {
    const [problem] = problemsOf({ ...valid, OIDC_ISSUER: 'http://idp.internal.example' })
    expect(problem).toMatch(/OIDC_ISSUER .*not a loopback address/)
    expect(problem).toMatch(/OIDC_ALLOW_HTTP_ISSUER=true/)
  })

  it.each(['http://127.0.0.1:4400', 'http://localhost:8080/realms/demo', 'http://[::1]:4400'])(
    'accepts the loopback http issuer %s',
    (issuer) => {
      expect(parseConfig({ ...valid, OIDC_ISSUER: issuer }).providers.list[0].allowHttp).toBe(true)
    },
  )

  it('accepts a plain-http issuer elsewhere only with the explicit opt-in', () => {
    const config = parseConfig({ ...valid, OIDC_ISSUER: 'http://idp.internal.example', OIDC_ALLOW_HTTP_ISSUER: 'true' })
    expect(config.providers.list[0].allowHttp).toBe(true)
    expect(problemsOf({ ...valid, OIDC_ALLOW_HTTP_ISSUER: 'yes' })[0]).toMatch(
      /OIDC_ALLOW_HTTP_ISSUER must be "true" or "false"/,
    )
  })

  it('refuses an issuer with a query', () => {
    expect(problemsOf({ ...valid, OIDC_ISSUER: 'https://login.example.com/?tenant=1' })[0]).toMatch(
      /must not have a query/,
    )
  })

  it('reads OIDC_USE_PAR and OIDC_USE_REQUEST_OBJECT as true or false only', () => {
    expect(parseConfig({ ...valid, OIDC_USE_PAR: 'true' }).providers.list[0].usePar).toBe(true)
    expect(parseConfig(valid).providers.list[0].usePar).toBe(false)
    expect(problemsOf({ ...valid, OIDC_USE_PAR: 'yes' })[0]).toMatch(/OIDC_USE_PAR must be "true" or "false"/)
  })

  it('requires the openid scope and drops duplicates', () => {
    expect(problemsOf({ ...valid, OIDC_SCOPE: 'profile email' })[0]).toMatch(/OIDC_SCOPE must include "openid"/)
    expect(
      parseConfig({ ...valid, OIDC_SCOPE: ' openid  urn:opc:idm:t.user.me openid ' }).providers.list[0].scope,
    ).toBe('openid urn:opc:idm:t.user.me')
  })

  it('expects the token issuer from OIDC_TOKEN_ISSUER when set (Oracle IDCS)', () => {
    const config = parseConfig({
      ...valid,
      OIDC_ISSUER: 'https://idcs-0123456789abcdef.identity.oraclecloud.com',
      OIDC_TOKEN_ISSUER: 'https://identity.oraclecloud.com/',
    })
    expect(config.providers.list[0].issuer.href).toBe('https://idcs-0123456789abcdef.identity.oraclecloud.com/')
    expect(config.providers.list[0].expectedIssuer.href).toBe('https://identity.oraclecloud.com/')
    expect(config.providers.list[0].tokenIssuerOverridden).toBe(true)
  })

  it('allows forms to end at the provider (sign-out redirects there): its issuer and end-session origins', () => {
    const origins = parseConfig({ ...valid, OIDC_END_SESSION_ENDPOINT: 'https://auth.example.com/logout' }).session
      .providerOrigins
    expect(origins).toEqual(['https://login.example.com', 'https://auth.example.com'])
  })
})
