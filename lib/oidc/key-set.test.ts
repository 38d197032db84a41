/**
 * The key-set policy against a real key-set server on loopback: oauth4webapi's
 * own verification, with our cache in front of it.
 */
import * as oauth from 'oauth4webapi'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { keySetServerForTests } from '../testing/key-set-server'
import { rsaSigningKey, signedTokenResponse } from '../testing/tokens'
import { KEY_SET_MAX_AGE, KeySetCache } from './key-set'

const keySet = keySetServerForTests()
const signingKey = rsaSigningKey
afterEach(() => vi.useRealTimers())

/** A token endpoint answer carrying an ID token signed with `key`. */
const tokenResponse = (key: Awaited<ReturnType<typeof signingKey>>) => signedTokenResponse(key, keySet.issuer)

async function verify(cache: KeySetCache, response: Response): Promise<void> {
  const as: oauth.AuthorizationServer = { issuer: keySet.issuer, jwks_uri: `${keySet.issuer}/jwks` }
  // oauth4webapi verifies signatures only of a token response it has processed (claims first).
  await oauth.processAuthorizationCodeResponse(as, { client_id: 'app' }, response, {
    expectedNonce: oauth.expectNoNonce,
    requireIdToken: true,
  })
  try {
    await oauth.validateApplicationLevelSignature({ ...as }, response, {
      [oauth.allowInsecureRequests]: true,
      [oauth.jwksCache]: cache.options(),
    })
  } finally {
    cache.noteDownload()
  }
}

/** A provider publishing one fresh key, and a cache that has verified one token with it (one fetch). */
async function warmCache(kid: string) {
  const key = await signingKey(kid)
  keySet.published = [key.jwk]
  keySet.fetches = 0
  const cache = new KeySetCache()
  await verify(cache, await tokenResponse(key))
  expect(keySet.fetches).toBe(1)
  return { key, cache }
}

describe('the key-set cache', () => {
  it('keySet.fetches the key set once, and not again after oauth4webapi’s five minutes', async () => {
    const { key, cache } = await warmCache('k1')
    vi.useFakeTimers({ now: Date.now() + 60 * 60 * 1000, toFake: ['Date'] })
    await verify(cache, await tokenResponse(key))
    expect(keySet.fetches).toBe(1)
  })

  it('keySet.fetches again when a token names a key it lacks (rotation), through forget()', async () => {
    const { key: old, cache } = await warmCache('k-old')
    const rotated = await signingKey('k-new')
    keySet.published = [old.jwk, rotated.jwk]
    await expect(verify(cache, await tokenResponse(rotated))).rejects.toThrow(/no applicable keys/)
    cache.forget()
    await verify(cache, await tokenResponse(rotated))
    expect(keySet.fetches).toBe(2)
  })

  it('keySet.fetches again once the key set is older than its maximum age, so a withdrawn key stops being trusted', async () => {
    const { key, cache } = await warmCache('k2')
    keySet.published = []
    vi.useFakeTimers({ now: Date.now() + (KEY_SET_MAX_AGE + 60) * 1000, toFake: ['Date'] })
    await expect(verify(cache, await tokenResponse(key))).rejects.toThrow(/no applicable keys/)
    expect(keySet.fetches).toBe(2)
  })
})
