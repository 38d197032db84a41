/**
 * The authorization request a login sends, against a real local provider
 * (discovery and a PAR endpoint): PKCE S256, state and nonce, where to come
 * back, what to ask for, and with PAR nothing but a reference in the browser.
 */
import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../config'
import { VALID_ENV } from '../testing/config-problems'
import { authorizationUrl, newLoginChallenge } from './authorization'
import { newDpopKey, dpopThumbprint } from './dpop'
import { discoverProvider } from './provider'

let server: Server
let issuer: string
/** The forms pushed to the PAR endpoint. */
const pushed: URLSearchParams[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json')
    if (req.url === '/.well-known/openid-configuration') {
      res.end(
        JSON.stringify({
          issuer,
          // The provider's own query (a tenant, a policy) stays; ours replace any of the same name.
          authorization_endpoint: `${issuer}/authorize?p=B2C_1_signin&scope=evil`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          pushed_authorization_request_endpoint: `${issuer}/par`,
        }),
      )
      return
    }
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      pushed.push(new URLSearchParams(body))
      res.statusCode = 201
      res.end(JSON.stringify({ request_uri: 'urn:ietf:params:oauth:request_uri:abc', expires_in: 60 }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise((resolve) => server.close(resolve)))

const provider = (env: Record<string, string> = {}) =>
  discoverProvider(
    parseConfig({ ...VALID_ENV, OIDC_ISSUER: issuer, OIDC_CLIENT_SECRET: 'never-in-a-url', ...env }).providers.list[0],
  )

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url')

describe('the authorization request', () => {
  it('carries PKCE S256, this login’s state and nonce, where to come back, and no secret', async () => {
    const challenge = newLoginChallenge({})
    const url = await authorizationUrl(await provider(), challenge)
    const query = Object.fromEntries(url.searchParams)
    expect(query).toEqual({
      p: 'B2C_1_signin',
      client_id: 'client-123',
      redirect_uri: 'http://localhost:3000/auth/callback',
      response_type: 'code',
      scope: 'openid profile email',
      state: challenge.state,
      nonce: challenge.nonce,
      code_challenge: s256(challenge.codeVerifier),
      code_challenge_method: 'S256',
    })
    expect(url.href).not.toContain('never-in-a-url')
    expect(url.href).not.toContain(challenge.codeVerifier)
  })

  it('asks for each API’s resource and scopes, and binds the code to the session key with DPoP', async () => {
    const key = await newDpopKey()
    const url = await authorizationUrl(await provider(), newLoginChallenge({}, key), {
      resources: ['https://orders.example.com', 'https://reports.example.com'],
      scopes: ['orders:read', 'openid'],
    })
    expect(url.searchParams.getAll('resource')).toEqual(['https://orders.example.com', 'https://reports.example.com'])
    expect(url.searchParams.get('scope')).toBe('openid profile email orders:read')
    expect(url.searchParams.get('dpop_jkt')).toBe(await dpopThumbprint(key))
  })

  it('with PAR, pushes the request with the client’s credentials and sends the browser a reference only', async () => {
    const challenge = newLoginChallenge({})
    const url = await authorizationUrl(await provider({ OIDC_USE_PAR: 'true' }), challenge)
    expect(url.searchParams.get('client_id')).toBe('client-123')
    expect(url.searchParams.get('request_uri')).toBe('urn:ietf:params:oauth:request_uri:abc')
    for (const name of ['state', 'nonce', 'code_challenge', 'redirect_uri'])
      expect(url.searchParams.has(name), name).toBe(false)
    const form = pushed.at(-1)!
    expect(form.get('state')).toBe(challenge.state)
    expect(form.get('code_challenge')).toBe(s256(challenge.codeVerifier))
  })
})
