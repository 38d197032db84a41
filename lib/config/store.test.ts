import { describe, expect, it } from 'vitest'
import { configProblems as problemsOf, VALID_ENV as valid } from '../testing/config-problems'
import { parseConfig } from '.'

describe('where sessions are kept', () => {
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
})
