import { describe, expect, it } from 'vitest'
import { configProblems } from '../testing/config-problems'
import { cookieName } from '../cookies/policy'
import { parseConfig } from '.'

const valid = {
  APP_BASE_URL: 'http://localhost:3000',
  SESSION_SECRET: 'x'.repeat(32),
  OIDC_ISSUER: 'https://login.example.com/oauth2/default',
  OIDC_CLIENT_ID: 'client-123',
  OIDC_CLIENT_SECRET: 'shh',
}

const problemsOf = configProblems

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

  it('keeps sessions in the embedded store without REDIS_URL (a file under .data/ by default), and in Redis with one', () => {
    expect(parseConfig(valid).store).toEqual({ kind: 'memory', path: '.data/sessions.sqlite' })
    expect(parseConfig({ ...valid, REDIS_URL: ' ' }).store).toEqual({ kind: 'memory', path: '.data/sessions.sqlite' })
    expect(parseConfig({ ...valid, SESSION_STORE_PATH: '/var/lib/app/sessions.sqlite' }).store).toEqual({
      kind: 'memory',
      path: '/var/lib/app/sessions.sqlite',
    })
    expect(parseConfig({ ...valid, SESSION_STORE_PATH: ':memory:' }).store).toEqual({ kind: 'memory', path: undefined })
    // Vercel's file system lasts one function instance: no file there unless one is named.
    expect(parseConfig({ ...valid, VERCEL: '1' }).store).toEqual({ kind: 'memory', path: undefined })
    for (const url of [
      'redis://localhost:6379',
      'rediss://default:s3cret@redis.example.com:6380',
      'redis://127.0.0.1:6379/2',
      'redis://[::1]:6379',
    ]) {
      const store = parseConfig({ ...valid, REDIS_URL: url }).store
      expect(store.kind === 'redis' && store.url.href, url).toBe(new URL(url).href)
    }
  })

  it('refuses plain redis:// to another host unless REDIS_ALLOW_PLAINTEXT=true; accepts rediss:// and loopback', () => {
    const problem = problemsOf({ ...valid, REDIS_URL: 'redis://default:hunter2@cache.invalid:6379' })[0]!
    expect(problem).toMatch(/REDIS_URL .*plain redis:\/\/ to another host.*rediss:\/\/.*REDIS_ALLOW_PLAINTEXT=true/)
    expect(problem).not.toContain('hunter2')
    const allowed = parseConfig({
      ...valid,
      REDIS_URL: 'redis://cache.invalid:6379',
      REDIS_ALLOW_PLAINTEXT: 'true',
    }).store
    expect(allowed.kind === 'redis' && allowed.url.hostname).toBe('cache.invalid')
    expect(parseConfig({ ...valid, REDIS_URL: 'rediss://cache.invalid:6380' }).store.kind).toBe('redis')
    expect(parseConfig({ ...valid, REDIS_URL: 'redis://localhost:6379' }).store.kind).toBe('redis')
    expect(problemsOf({ ...valid, REDIS_URL: 'rediss://cache.invalid', REDIS_ALLOW_PLAINTEXT: 'yes' })[0]).toMatch(
      /REDIS_ALLOW_PLAINTEXT must be "true" or "false"/,
    )
  })

  it('finds a Redis Cluster by REDIS_CLUSTER_NODES: host:port seeds, or URLs that agree on TLS and credentials', () => {
    const bare = parseConfig({ ...valid, REDIS_CLUSTER_NODES: '127.0.0.1:7000, 127.0.0.1:7001,localhost:7002' }).store
    expect(bare.kind === 'redis' && bare.topology === 'cluster' && bare.seeds.map((seed) => seed.href)).toEqual([
      'redis://127.0.0.1:7000',
      'redis://127.0.0.1:7001',
      'redis://localhost:7002',
    ])
    const tls = parseConfig({
      ...valid,
      REDIS_CLUSTER_NODES:
        'rediss://default:s3cret@node-1.example.com:6380,rediss://default:s3cret@node-2.example.com:6380',
    }).store
    expect(tls.kind === 'redis' && tls.topology === 'cluster' && tls.url.href).toBe(
      'rediss://default:s3cret@node-1.example.com:6380',
    )
    expect(parseConfig({ ...valid, REDIS_URL: 'redis://localhost:6379' }).store).toMatchObject({
      kind: 'redis',
      topology: 'node',
    })
  })

  it('refuses a REDIS_CLUSTER_NODES it cannot use safely, saying why, without printing a password', () => {
    const both = problemsOf({ ...valid, REDIS_URL: 'redis://localhost:6379', REDIS_CLUSTER_NODES: '127.0.0.1:7000' })[0]
    expect(both).toMatch(/REDIS_URL and REDIS_CLUSTER_NODES are both set/)
    const plain = problemsOf({ ...valid, REDIS_CLUSTER_NODES: '10.0.0.1:6379,10.0.0.2:6379' })[0]
    expect(plain).toMatch(
      /REDIS_CLUSTER_NODES names 10\.0\.0\.1:6379 over plain redis:\/\/.*REDIS_ALLOW_PLAINTEXT=true/,
    )
    expect(
      parseConfig({ ...valid, REDIS_CLUSTER_NODES: '10.0.0.1:6379', REDIS_ALLOW_PLAINTEXT: 'true' }).store.kind,
    ).toBe('redis')
    const mixed = problemsOf({
      ...valid,
      REDIS_CLUSTER_NODES: 'rediss://default:hunter2@a.example.com:6380,redis://b.example.com:6379',
    })[0]
    expect(mixed).toMatch(/same scheme .* same user and password/)
    for (const entry of [
      '127.0.0.1',
      'http://a.example.com:6379',
      'redis://a.example.com:6379/2',
      'rediss://u:hunter2@a.example.com:6380/x',
    ]) {
      const problem = problemsOf({ ...valid, REDIS_CLUSTER_NODES: entry })[0]
      expect(problem, entry).toMatch(/REDIS_CLUSTER_NODES lists nodes as host:port/)
      expect(problem, entry).not.toContain('hunter2')
    }
  })

  it('finds a Redis watched by Sentinel by REDIS_SENTINELS and REDIS_SENTINEL_NAME; the URLs carry the Redis password, the Sentinels take their own', () => {
    const bare = parseConfig({
      ...valid,
      REDIS_SENTINELS: '127.0.0.1:26379, 127.0.0.1:26380',
      REDIS_SENTINEL_NAME: 'mymaster',
    }).store
    expect(bare).toMatchObject({ kind: 'redis', topology: 'sentinel', name: 'mymaster' })
    expect(bare.kind === 'redis' && bare.topology === 'sentinel' && bare.sentinels.map((url) => url.href)).toEqual([
      'redis://127.0.0.1:26379',
      'redis://127.0.0.1:26380',
    ])
    expect(bare.kind === 'redis' && bare.topology === 'sentinel' && bare.sentinelPassword).toBeUndefined()
    const tls = parseConfig({
      ...valid,
      REDIS_SENTINELS:
        'rediss://default:s3cret@sentinel-1.example.com:26380,rediss://default:s3cret@sentinel-2.example.com:26380',
      REDIS_SENTINEL_NAME: 'sessions',
      REDIS_SENTINEL_PASSWORD: 'watcher-pass',
    }).store
    expect(tls).toMatchObject({
      kind: 'redis',
      topology: 'sentinel',
      name: 'sessions',
      sentinelPassword: 'watcher-pass',
    })
    expect(tls.kind === 'redis' && tls.url.href).toBe('rediss://default:s3cret@sentinel-1.example.com:26380')
  })

  it('refuses a REDIS_SENTINELS it cannot use safely, saying why, without printing a password', () => {
    expect(problemsOf({ ...valid, REDIS_SENTINELS: '127.0.0.1:26379' })[0]).toMatch(
      /REDIS_SENTINELS is set without REDIS_SENTINEL_NAME/,
    )
    const two = problemsOf({
      ...valid,
      REDIS_URL: 'redis://localhost:6379',
      REDIS_SENTINELS: '127.0.0.1:26379',
      REDIS_SENTINEL_NAME: 'm',
    })[0]
    expect(two).toMatch(/REDIS_URL and REDIS_SENTINELS are both set/)
    const three = problemsOf({
      ...valid,
      REDIS_URL: 'redis://localhost:6379',
      REDIS_CLUSTER_NODES: '127.0.0.1:7000',
      REDIS_SENTINELS: '127.0.0.1:26379',
    })[0]
    expect(three).toMatch(/REDIS_URL and REDIS_CLUSTER_NODES and REDIS_SENTINELS are all set/)
    const plain = problemsOf({ ...valid, REDIS_SENTINELS: '10.0.0.1:26379', REDIS_SENTINEL_NAME: 'm' })[0]
    expect(plain).toMatch(/REDIS_SENTINELS names 10\.0\.0\.1:26379 over plain redis:\/\/.*REDIS_ALLOW_PLAINTEXT=true/)
    expect(
      parseConfig({
        ...valid,
        REDIS_SENTINELS: '10.0.0.1:26379',
        REDIS_SENTINEL_NAME: 'm',
        REDIS_ALLOW_PLAINTEXT: 'true',
      }).store.kind,
    ).toBe('redis')
    for (const entry of ['127.0.0.1', 'rediss://u:hunter2@a.example.com:26380/0']) {
      const problem = problemsOf({ ...valid, REDIS_SENTINELS: entry, REDIS_SENTINEL_NAME: 'm' })[0]
      expect(problem, entry).toMatch(/REDIS_SENTINELS lists Sentinels as host:port/)
      expect(problem, entry).not.toContain('hunter2')
    }
  })

  it('refuses a REDIS_URL it cannot use, saying what a good one looks like, without printing its password', () => {
    for (const url of [
      'localhost:6379',
      'http://redis.example.com',
      'redis://',
      'redis://host:6379/cache',
      'redis://host:6379/?db=2',
    ]) {
      expect(problemsOf({ ...valid, REDIS_URL: url })[0], url).toMatch(/REDIS_URL .*redis:\/\/localhost:6379/)
    }
    const problem = problemsOf({ ...valid, REDIS_URL: 'rediss://default:hunter2-secret@redis.example.com:6380/x' })[0]!
    expect(problem).toContain('***')
    expect(problem).not.toContain('hunter2')
  })

  it('allows forms to end at the provider (sign-out redirects there): its issuer and end-session origins', () => {
    const origins = parseConfig({ ...valid, OIDC_END_SESSION_ENDPOINT: 'https://auth.example.com/logout' }).session
      .providerOrigins
    expect(origins).toEqual(['https://login.example.com', 'https://auth.example.com'])
  })
})
