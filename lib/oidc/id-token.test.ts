/**
 * The ID token checks lib/oidc/ adds to oauth4webapi's (OIDC Core §3.1.3.7),
 * each on its own: the signature (against a real provider on loopback serving
 * discovery and a key set that rotates), `iat`, `acr`, the subject of a
 * refreshed token, and the issuer an Entra ID template resolves to.
 */
import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../config'
import { keySetServerForTests } from '../testing/key-set-server'
import { rsaSigningKey, signedTokenResponse, unsignedJwt } from '../testing/tokens'
import { LoginError } from './errors'
import { checkAcr, checkIssuedAt, checkSameSubject, issuerForTokenResponse, verifyIdTokenSignature } from './id-token'
import { CLOCK_TOLERANCE, discoverProvider, type DiscoveredProvider } from './provider'

const keySet = keySetServerForTests()
const signingKey = rsaSigningKey

function provider(): Promise<DiscoveredProvider> {
  const env = {
    APP_BASE_URL: 'http://localhost:3000',
    SESSION_SECRET: 's'.repeat(40),
    OIDC_ISSUER: keySet.issuer,
    OIDC_CLIENT_ID: 'app',
    OIDC_CLIENT_SECRET: 'secret',
  }
  return discoverProvider(parseConfig(env).providers.list[0])
}

/** A token endpoint answer with an ID token signed by `key`, already through oauth4webapi's claims checks (as lib/oidc/callback.ts does first). */
async function processedResponse(
  p: DiscoveredProvider,
  key: Awaited<ReturnType<typeof signingKey>>,
): Promise<Response> {
  const response = await signedTokenResponse(key, keySet.issuer)
  await oauth.processAuthorizationCodeResponse(p.as, p.client, response, {
    expectedNonce: oauth.expectNoNonce,
    requireIdToken: true,
  })
  return response
}

const claims = (extra: Partial<oauth.IDToken> = {}): oauth.IDToken => ({
  iss: 'https://op.example',
  sub: 'alice',
  aud: 'app',
  iat: 1_000,
  exp: 2_000,
  ...extra,
})

describe('the ID token signature (§3.1.3.7 (6))', () => {
  it('verifies against the published key set, fetched once and then reused', async () => {
    const key = await signingKey('k1')
    keySet.published = [key.jwk]
    const p = await provider()
    keySet.fetches = 0
    await verifyIdTokenSignature(p, await processedResponse(p, key))
    await verifyIdTokenSignature(p, await processedResponse(p, key))
    expect(keySet.fetches).toBe(1)
  })

  it('keySet.fetches the key set once more when a token names a key it lacks (rotation), and then verifies', async () => {
    const before = await signingKey('before')
    keySet.published = [before.jwk]
    const p = await provider()
    await verifyIdTokenSignature(p, await processedResponse(p, before))
    const rotated = await signingKey('rotated')
    keySet.published = [before.jwk, rotated.jwk]
    keySet.fetches = 0
    await verifyIdTokenSignature(p, await processedResponse(p, rotated))
    expect(keySet.fetches).toBe(1)
  })

  it('refuses a token signed with a key the provider does not publish, after one refetch', async () => {
    keySet.published = [(await signingKey('published')).jwk]
    const p = await provider()
    const stranger = await signingKey('published') // the same kid, another key: a forgery
    await expect(verifyIdTokenSignature(p, await processedResponse(p, stranger))).rejects.toThrow()
    const unknown = await signingKey('nobody-publishes-this')
    keySet.fetches = 0
    await expect(verifyIdTokenSignature(p, await processedResponse(p, unknown))).rejects.toThrow()
    expect(keySet.fetches).toBe(1)
  })
})

describe('iat (§3.1.3.7 (10))', () => {
  it('may be ahead of our clock by the tolerance, not more', () => {
    const now = 1_000_000
    expect(() => checkIssuedAt(claims({ iat: now + CLOCK_TOLERANCE }), now)).not.toThrow()
    expect(() => checkIssuedAt(claims({ iat: now + CLOCK_TOLERANCE + 1 }), now)).toThrow(LoginError)
  })
})

describe('acr (§3.1.2.1)', () => {
  it('must be one of the requested classes, when classes were requested', () => {
    expect(() => checkAcr(claims({ acr: 'urn:weak' }), undefined)).not.toThrow()
    expect(() => checkAcr(claims({ acr: 'urn:mfa' }), 'urn:phr urn:mfa')).not.toThrow()
    expect(() => checkAcr(claims({ acr: 'urn:weak' }), 'urn:phr urn:mfa')).toThrow(/not one of the requested methods/)
    try {
      checkAcr(claims(), 'urn:mfa')
      expect.unreachable()
    } catch (error) {
      expect((error as LoginError).kind).toBe('insufficient_authentication')
    }
  })
})

describe('a refreshed ID token (§12.2)', () => {
  it('must be about the same user', () => {
    const previous = unsignedJwt({ sub: 'alice' })
    expect(() => checkSameSubject(claims({ sub: 'alice' }), previous)).not.toThrow()
    expect(() => checkSameSubject(claims({ sub: 'mallory' }), previous)).toThrow(/another user/)
  })
})

describe("Entra ID's issuer template", () => {
  const template: oauth.AuthorizationServer = { issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0' }
  const answer = (body: unknown) =>
    new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } })
  const tid = '9188040d-6c67-4c5b-b112-36a304b66dad'

  it('resolves to the tenant the token names, and leaves the response readable', async () => {
    const response = answer({ id_token: unsignedJwt({ tid }) })
    expect((await issuerForTokenResponse(template, response)).issuer).toBe(
      `https://login.microsoftonline.com/${tid}/v2.0`,
    )
    expect(await response.json()).toHaveProperty('id_token')
  })

  it('refuses a token that names no tenant; leaves a plain issuer alone', async () => {
    await expect(issuerForTokenResponse(template, answer({ id_token: unsignedJwt({ sub: 'x' }) }))).rejects.toThrow(
      /names no tenant/,
    )
    const plain: oauth.AuthorizationServer = { issuer: 'https://op.example' }
    expect(await issuerForTokenResponse(plain, answer({ id_token: unsignedJwt({ tid }) }))).toBe(plain)
  })
})
