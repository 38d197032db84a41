import { describe, expect, it } from 'vitest'
import { configProblems as problemsOf, VALID_ENV as valid } from '../testing/config-problems'
import { parseConfig } from '.'

describe('how the client authenticates', () => {
  it('makes a client without a secret a public client', () => {
    const config = parseConfig({ ...valid, OIDC_CLIENT_SECRET: undefined })
    expect(config.providers.list[0].credentials).toEqual({ method: 'none' })
  })

  it('honours client_secret_post', () => {
    expect(
      parseConfig({ ...valid, OIDC_CLIENT_AUTH_METHOD: 'client_secret_post' }).providers.list[0].credentials,
    ).toEqual({
      method: 'client_secret_post',
      secret: 'shh',
    })
  })

  it('refuses contradictory client authentication settings', () => {
    expect(problemsOf({ ...valid, OIDC_CLIENT_AUTH_METHOD: 'private_key' })[0]).toMatch(
      /must be one of client_secret_basic, client_secret_post, private_key_jwt, none/,
    )
    expect(problemsOf({ ...valid, OIDC_CLIENT_SECRET: '', OIDC_CLIENT_AUTH_METHOD: 'client_secret_basic' })[0]).toMatch(
      /OIDC_CLIENT_SECRET is not set/,
    )
    expect(problemsOf({ ...valid, OIDC_CLIENT_AUTH_METHOD: 'none' })[0]).toMatch(/public client never sends a secret/)
  })

  it('takes private_key_jwt with a PKCS#8 PEM (newlines may be escaped) or a private JWK', () => {
    const pem =
      '-----BEGIN PRIVATE KEY-----\\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\\n-----END PRIVATE KEY-----'
    const config = parseConfig({
      ...valid,
      OIDC_CLIENT_SECRET: '',
      OIDC_CLIENT_AUTH_METHOD: 'private_key_jwt',
      OIDC_CLIENT_PRIVATE_KEY: pem,
    })
    expect(config.providers.list[0].credentials).toEqual({ method: 'private_key_jwt' })
    expect(config.providers.list[0].privateKey).toContain('\nMIGHAgEA')
    const jwk = JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd', kid: 'k1' })
    expect(
      parseConfig({ ...valid, OIDC_CLIENT_AUTH_METHOD: 'private_key_jwt', OIDC_CLIENT_PRIVATE_KEY: jwk }).providers
        .list[0].privateKey,
    ).toBe(jwk)
  })

  it('says what is wrong with a missing or unusable private key', () => {
    expect(problemsOf({ ...valid, OIDC_CLIENT_AUTH_METHOD: 'private_key_jwt' })[0]).toMatch(
      /OIDC_CLIENT_PRIVATE_KEY is not set/,
    )
    expect(problemsOf({ ...valid, OIDC_CLIENT_PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----\nabc' })[0]).toMatch(
      /PKCS#8.*openssl pkcs8/,
    )
    expect(problemsOf({ ...valid, OIDC_CLIENT_PRIVATE_KEY: '{"kty":"EC"}' })[0]).toMatch(/private JWK/)
    expect(problemsOf({ ...valid, OIDC_USE_REQUEST_OBJECT: 'true' })[0]).toMatch(
      /OIDC_USE_REQUEST_OBJECT=true.*OIDC_CLIENT_PRIVATE_KEY/,
    )
  })
})
