/**
 * The key-set policy against a real key-set server on loopback: oauth4webapi's
 * own verification, with our cache in front of it.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose'
import * as oauth from 'oauth4webapi'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { KEY_SET_MAX_AGE, KeySetCache } from './key-set'

let server: Server
let issuer: string
let fetches = 0
let published: JWK[] = []

async function signingKey(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('RS256')
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } }
}

beforeAll(async () => {
  server = createServer((_req, res) => {
    fetches++
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ keys: published }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
afterEach(() => vi.useRealTimers())

/** A token endpoint answer carrying an ID token signed with `key`. */
async function tokenResponse(key: Awaited<ReturnType<typeof signingKey>>): Promise<Response> {
  const idToken = await new SignJWT({ sub: 'alice' })
    .setProtectedHeader({ alg: 'RS256', kid: key.jwk.kid })
    .setIssuer(issuer)
    .setAudience('app')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key.privateKey)
  return new Response(JSON.stringify({ access_token: 'at', token_type: 'Bearer', id_token: idToken }), { headers: { 'content-type': 'application/json' } })
}

async function verify(cache: KeySetCache, response: Response): Promise<void> {
  const as: oauth.AuthorizationServer = { issuer, jwks_uri: `${issuer}/jwks` }
  // oauth4webapi verifies signatures only of a token response it has processed (claims first).
  await oauth.processAuthorizationCodeResponse(as, { client_id: 'app' }, response, { expectedNonce: oauth.expectNoNonce, requireIdToken: true })
  try {
    await oauth.validateApplicationLevelSignature({ ...as }, response, { [oauth.allowInsecureRequests]: true, [oauth.jwksCache]: cache.options() })
  } finally {
    cache.noteDownload()
  }
}

/** A provider publishing one fresh key, and a cache that has verified one token with it (one fetch). */
async function warmCache(kid: string) {
  const key = await signingKey(kid)
  published = [key.jwk]
  fetches = 0
  const cache = new KeySetCache()
  await verify(cache, await tokenResponse(key))
  expect(fetches).toBe(1)
  return { key, cache }
}

describe('the key-set cache', () => {
  it('fetches the key set once, and not again after oauth4webapi’s five minutes', async () => {
    const { key, cache } = await warmCache('k1')
    vi.useFakeTimers({ now: Date.now() + 60 * 60 * 1000, toFake: ['Date'] })
    await verify(cache, await tokenResponse(key))
    expect(fetches).toBe(1)
  })

  it('fetches again when a token names a key it lacks (rotation), through forget()', async () => {
    const { key: old, cache } = await warmCache('k-old')
    const rotated = await signingKey('k-new')
    published = [old.jwk, rotated.jwk]
    await expect(verify(cache, await tokenResponse(rotated))).rejects.toThrow(/no applicable keys/)
    cache.forget()
    await verify(cache, await tokenResponse(rotated))
    expect(fetches).toBe(2)
  })

  it('fetches again once the key set is older than its maximum age, so a withdrawn key stops being trusted', async () => {
    const { key, cache } = await warmCache('k2')
    published = []
    vi.useFakeTimers({ now: Date.now() + (KEY_SET_MAX_AGE + 60) * 1000, toFake: ['Date'] })
    await expect(verify(cache, await tokenResponse(key))).rejects.toThrow(/no applicable keys/)
    expect(fetches).toBe(2)
  })
})
