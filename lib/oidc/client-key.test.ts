import { createHash, generateKeyPairSync } from 'node:crypto'
import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { clientKey } from './client-key'
import { parseConfig } from '../config'
import { clientAuthentication } from './client-auth'

/** RFC 7638 §3: the required public members, in lexicographic order, no spaces, SHA-256, base64url. */
function thumbprint(jwk: Record<string, string>): string {
  const members =
    jwk.kty === 'RSA' ? ['e', 'kty', 'n'] : jwk.kty === 'EC' ? ['crv', 'kty', 'x', 'y'] : ['crv', 'kty', 'x']
  const canonical = `{${members.map((m) => `${JSON.stringify(m)}:${JSON.stringify(jwk[m])}`).join(',')}}`
  return createHash('sha256').update(canonical).digest('base64url')
}

function decodeJwt(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = jwt
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>)
  return { header: header!, payload: payload! }
}

const as: oauth.AuthorizationServer = {
  issuer: 'https://op.example.com',
  token_endpoint: 'https://op.example.com/oauth2/token',
}
const client: oauth.Client = { client_id: 'app' }

/** The client assertion this app would send to `as`, by running its real client authentication. */
async function assertion(env: Record<string, string>): Promise<ReturnType<typeof decodeJwt>> {
  const config = parseConfig({
    APP_BASE_URL: 'http://localhost:3000',
    SESSION_SECRET: 's'.repeat(40),
    OIDC_ISSUER: as.issuer,
    OIDC_CLIENT_ID: 'app',
    OIDC_CLIENT_AUTH_METHOD: 'private_key_jwt',
    ...env,
  }).providers.list[0]
  const body = new URLSearchParams()
  await (
    await clientAuthentication(config, as)
  )(as, client, body, new Headers())
  return decodeJwt(body.get('client_assertion')!)
}

describe('the client key', () => {
  for (const [name, pair] of [
    ['EC P-256', generateKeyPairSync('ec', { namedCurve: 'P-256' })],
    ['RSA', generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ['Ed25519', generateKeyPairSync('ed25519')],
  ] as const) {
    it(`a ${name} PEM, which names no kid, signs with its RFC 7638 thumbprint as the kid`, async () => {
      const pem = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
      const expected = thumbprint(pair.publicKey.export({ format: 'jwk' }) as Record<string, string>)
      const { key, kidDerived } = await clientKey(pem)
      expect(key.kid).toBe(expected)
      expect(kidDerived).toBe(true)
      const { header } = await assertion({ OIDC_CLIENT_PRIVATE_KEY: pem })
      expect(header.kid).toBe(expected)
    })
  }

  it('a JWK that names its kid keeps it', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const jwk = JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid: 'my-key-2026' })
    expect((await clientKey(jwk)).key.kid).toBe('my-key-2026')
    expect((await assertion({ OIDC_CLIENT_PRIVATE_KEY: jwk })).header.kid).toBe('my-key-2026')
  })
})

describe('the client assertion audience', () => {
  const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString()

  it('is the issuer by default', async () => {
    expect((await assertion({ OIDC_CLIENT_PRIVATE_KEY: pem })).payload.aud).toBe(as.issuer)
  })

  it('is the token endpoint with OIDC_CLIENT_ASSERTION_AUDIENCE=token_endpoint', async () => {
    const { payload } = await assertion({
      OIDC_CLIENT_PRIVATE_KEY: pem,
      OIDC_CLIENT_ASSERTION_AUDIENCE: 'token_endpoint',
    })
    expect(payload.aud).toBe(as.token_endpoint)
  })

  it('refuses any other value at start, saying which are allowed', () => {
    const env = {
      APP_BASE_URL: 'http://localhost:3000',
      SESSION_SECRET: 's'.repeat(40),
      OIDC_ISSUER: as.issuer,
      OIDC_CLIENT_ID: 'app',
      OIDC_CLIENT_SECRET: 'x',
    }
    expect(() => parseConfig({ ...env, OIDC_CLIENT_ASSERTION_AUDIENCE: 'both' })).toThrow(
      /OIDC_CLIENT_ASSERTION_AUDIENCE must be "issuer" \(the default\) or "token_endpoint"; got "both"/,
    )
  })
})
