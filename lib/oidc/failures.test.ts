import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loginErrorStatus, loginErrorTitle } from '../http/login-error-page'
import { callbackFailure, providerFailure } from './failures'
import { nowSeconds } from '../clock'

const as: oauth.AuthorizationServer = {
  issuer: 'https://op.example.com',
  token_endpoint: 'https://op.example.com/token',
  authorization_response_iss_parameter_supported: true,
}
const client: oauth.Client = { client_id: 'app' }

/** What oauth4webapi throws for a token endpoint answer, obtained by really processing one. */
async function tokenEndpointError(status: number, body: unknown): Promise<unknown> {
  const response = new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
  return oauth.processAuthorizationCodeResponse(as, client, response).catch((error: unknown) => error)
}

/** What validateAuthResponse throws for these callback parameters, expecting state "s". */
function authResponseError(params: URLSearchParams): unknown {
  try {
    oauth.validateAuthResponse(as, client, params, 's')
  } catch (error) {
    return error
  }
  throw new Error('expected validateAuthResponse to throw')
}

let hanging: Server
let hangingUrl: string
beforeAll(async () => {
  // A server that accepts the connection and never answers.
  hanging = createServer(() => {})
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve))
  hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/`
})
afterAll(async () => {
  hanging.closeAllConnections()
  await new Promise((resolve) => hanging.close(resolve))
})

describe('providerFailure', () => {
  it('answers 503 when the provider refuses connections', async () => {
    const refused = await fetch('http://127.0.0.1:1/').catch((error: unknown) => error)
    const error = providerFailure('discovery', refused)
    expect(loginErrorStatus(error)).toBe(503)
    expect(error.kind).toBe('provider_unreachable')
  })

  it('answers 504 when the provider does not answer in time', async () => {
    const timedOut = await fetch(hangingUrl, { signal: AbortSignal.timeout(50) }).catch((error: unknown) => error)
    const error = providerFailure('token', timedOut)
    expect(loginErrorStatus(error)).toBe(504)
    expect(error.detail).toMatch(/did not answer in time \(its token endpoint\)/)
  })

  it('answers 400 when the code was already used or expired', async () => {
    const error = providerFailure('token', await tokenEndpointError(400, { error: 'invalid_grant' }))
    expect(loginErrorStatus(error)).toBe(400)
    expect(error.kind).toBe('invalid_grant')
  })

  it('names the variables to check when the provider rejects our credentials', async () => {
    const error = providerFailure('token', await tokenEndpointError(401, { error: 'invalid_client' }))
    expect(loginErrorStatus(error)).toBe(502)
    expect(error.detail).toMatch(/OIDC_CLIENT_ID, OIDC_CLIENT_SECRET/)
  })

  it('says the same when the provider answers with a WWW-Authenticate challenge', async () => {
    const response = new Response(JSON.stringify({ error: 'invalid_client' }), {
      status: 401,
      headers: { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="op", error="invalid_client"' },
    })
    const thrown = await oauth.processAuthorizationCodeResponse(as, client, response).catch((e: unknown) => e)
    expect(thrown).toBeInstanceOf(oauth.WWWAuthenticateChallengeError)
    const error = providerFailure('token', thrown)
    expect(error.kind).toBe('misconfigured')
    expect(error.detail).toMatch(/OIDC_CLIENT_SECRET/)
  })

  it('reads a bare 403 from the token or PAR endpoint as refused client authentication, and names the settings', async () => {
    const bare = () => new Response(null, { status: 403 })
    const token = providerFailure(
      'token',
      await oauth.processAuthorizationCodeResponse(as, client, bare()).catch((e: unknown) => e),
    )
    const par = providerFailure(
      'par',
      await oauth.processPushedAuthorizationResponse(as, client, bare()).catch((e: unknown) => e),
    )
    for (const error of [token, par]) {
      expect(error.kind).toBe('misconfigured')
      expect(loginErrorTitle(error)).not.toMatch(/cannot trust/)
      expect(error.detail).toMatch(/rejected this app's client credentials \(HTTP 403/)
      expect(error.detail).toMatch(/OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and OIDC_CLIENT_AUTH_METHOD/)
    }
    expect(par.detail).toMatch(/pushed authorization request endpoint/)
  })

  it('names what applies to private_key_jwt when its assertion is refused: the kid as the start-up log prints it, and the assertion audience', async () => {
    const bare = () => new Response(null, { status: 403 })
    const client403 = await oauth.processAuthorizationCodeResponse(as, client, bare()).catch((e: unknown) => e)
    const error = providerFailure('token', client403, {
      method: 'private_key_jwt',
      keyId: 'Xo3-thumbprint',
      assertionAudience: 'issuer',
    })
    expect(error.detail).toMatch(/rejected this app's client credentials \(HTTP 403/)
    expect(error.detail).toMatch(
      /OIDC_CLIENT_PRIVATE_KEY under the kid "Xo3-thumbprint" \(as the start-up log prints it\)/,
    )
    expect(error.detail).toMatch(/OIDC_CLIENT_ASSERTION_AUDIENCE \(now "issuer"/)
    expect(error.detail).not.toMatch(/OIDC_CLIENT_SECRET/)
  })

  it('says a step-up failed because the sign-in was too old, and what to check, not that validation failed', async () => {
    const now = nowSeconds()
    const idToken = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({
        iss: as.issuer,
        aud: client.client_id,
        sub: 'u',
        iat: now,
        exp: now + 300,
        nonce: 'n',
        auth_time: now - 3600,
      }),
    ).toString('base64url')}.c2ln`
    const response = new Response(JSON.stringify({ access_token: 'a', token_type: 'bearer', id_token: idToken }), {
      headers: { 'content-type': 'application/json' },
    })
    const thrown = await oauth
      .processAuthorizationCodeResponse(as, client, response, { expectedNonce: 'n', maxAge: 300 })
      .catch((e: unknown) => e)
    const error = providerFailure('token', thrown)
    expect(error.kind).toBe('insufficient_authentication')
    expect(loginErrorStatus(error)).toBe(403)
    expect(error.detail).toMatch(/did not ask you to sign in again: it says you last signed in 60 minutes ago/)
    expect(error.detail).toMatch(/max age/)
    expect(error.detail).not.toMatch(/failed validation/)
  })

  it('answers 502 for a provider error or a malformed answer', async () => {
    expect(loginErrorStatus(providerFailure('token', await tokenEndpointError(500, { error: 'server_error' })))).toBe(
      502,
    )
    const notJson = await oauth
      .processAuthorizationCodeResponse(as, client, new Response('<html>oops</html>', { status: 200 }))
      .catch((e: unknown) => e)
    expect(loginErrorStatus(providerFailure('token', notJson))).toBe(502)
  })
})

describe('callbackFailure', () => {
  it("reports the provider's own error, for a login this browser started", () => {
    const params = new URLSearchParams({
      error: 'access_denied',
      error_description: 'User said no',
      state: 's',
      iss: as.issuer,
    })
    const error = callbackFailure(authResponseError(params))
    expect(loginErrorStatus(error)).toBe(400)
    expect(error.providerError).toEqual({ error: 'access_denied', description: 'User said no' })
  })

  it('answers 400 for a wrong state or issuer, without quoting the request', () => {
    for (const params of [
      new URLSearchParams({ code: 'c', state: 'other', iss: as.issuer }),
      new URLSearchParams({ code: 'c', state: 's', iss: 'https://evil.example' }),
      new URLSearchParams({ code: 'c', state: 's' }),
    ]) {
      const error = callbackFailure(authResponseError(params))
      expect(loginErrorStatus(error)).toBe(400)
      expect(error.kind).toBe('invalid_request')
      expect(error.providerError).toBeUndefined()
    }
  })
})
