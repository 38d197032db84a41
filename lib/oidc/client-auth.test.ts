/**
 * How the client authenticates, as the provider's token endpoint receives it:
 * real token requests through oauth4webapi to a local server that records them.
 */
import { generateKeyPairSync } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../config'
import { decodeJwt } from '../jwt'
import { VALID_ENV } from '../testing/config-problems'
import { clientAuthentication } from './client-auth'
import { httpOptions } from './http'

let server: Server
let issuer: string
let last: { headers: IncomingHttpHeaders; form: URLSearchParams }

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      last = { headers: req.headers, form: new URLSearchParams(body) }
      res.statusCode = 400
      res.setHeader('content-type', 'application/json')
      res.end('{"error":"invalid_grant"}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise((resolve) => server.close(resolve)))

const PRIVATE_KEY = String(
  generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
)

/** One refresh-token request from a client configured with `env`, as the token endpoint receives it. */
async function tokenRequest(env: Record<string, string | undefined>) {
  const oidc = parseConfig({ ...VALID_ENV, OIDC_ISSUER: issuer, OIDC_CLIENT_ID: 'app:1', ...env }).providers.list[0]
  const as = { issuer, token_endpoint: `${issuer}/token` }
  const auth = await clientAuthentication(oidc, as)
  await oauth.refreshTokenGrantRequest(as, { client_id: oidc.clientId }, auth, 'refresh-1', httpOptions(oidc))
  return last
}

describe('the client at the token endpoint', () => {
  it('sends its secret in the Authorization header (client_secret_basic), each part form-encoded (RFC 6749 §2.3.1)', async () => {
    const { headers, form } = await tokenRequest({ OIDC_CLIENT_SECRET: 's3cret/+=' })
    const [user, secret] = Buffer.from(headers.authorization!.replace(/^Basic /, ''), 'base64')
      .toString()
      .split(':')
    expect([decodeURIComponent(user!), decodeURIComponent(secret!)]).toEqual(['app:1', 's3cret/+='])
    expect(form.has('client_secret')).toBe(false)
  })

  it('sends it in the form with client_secret_post, and nothing at all as a public client', async () => {
    const post = await tokenRequest({ OIDC_CLIENT_SECRET: 'shh', OIDC_CLIENT_AUTH_METHOD: 'client_secret_post' })
    expect([post.headers.authorization, post.form.get('client_id'), post.form.get('client_secret')]).toEqual([
      undefined,
      'app:1',
      'shh',
    ])
    const none = await tokenRequest({ OIDC_CLIENT_SECRET: undefined, OIDC_CLIENT_AUTH_METHOD: 'none' })
    expect([none.headers.authorization, none.form.get('client_id'), none.form.has('client_secret')]).toEqual([
      undefined,
      'app:1',
      false,
    ])
  })

  it('proves its key with a short-lived assertion for the issuer (private_key_jwt), or for the token endpoint when asked', async () => {
    const keyed = {
      OIDC_CLIENT_SECRET: undefined,
      OIDC_CLIENT_AUTH_METHOD: 'private_key_jwt',
      OIDC_CLIENT_PRIVATE_KEY: PRIVATE_KEY,
    }
    const { form } = await tokenRequest(keyed)
    expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
    const { claims } = decodeJwt(form.get('client_assertion')!)
    expect(claims).toMatchObject({ iss: 'app:1', sub: 'app:1', aud: issuer })
    expect((claims.exp as number) - (claims.iat as number)).toBeLessThanOrEqual(300)
    const toEndpoint = await tokenRequest({ ...keyed, OIDC_CLIENT_ASSERTION_AUDIENCE: 'token_endpoint' })
    expect(decodeJwt(toEndpoint.form.get('client_assertion')!).claims.aud).toBe(`${issuer}/token`)
  })
})
