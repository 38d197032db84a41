/**
 * Discovery against a real local server: the provider must name itself as
 * configured, list the endpoints a login needs, and is asked once per process.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../config'
import { VALID_ENV } from '../testing/config-problems'
import { discoveredMetadata } from './discovery'
import { LoginError } from './errors'
import { httpOptions } from './http'

let server: Server
let origin: string
/** What each tenant path's discovery document says, by path; counts requests. */
const documents = new Map<string, (issuer: string) => Record<string, unknown>>()
const requests = new Map<string, number>()

beforeAll(async () => {
  server = createServer((req, res) => {
    const tenant = req.url!.replace('/.well-known/openid-configuration', '')
    requests.set(tenant, (requests.get(tenant) ?? 0) + 1)
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify(documents.get(tenant)?.(`${origin}${tenant}`) ?? {}))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise((resolve) => server.close(resolve)))

const complete = (issuer: string) => ({
  issuer,
  authorization_endpoint: `${issuer}/authorize`,
  token_endpoint: `${issuer}/token`,
  jwks_uri: `${issuer}/jwks`,
})

/** The provider at `tenant` on the local server, configured as the app would be, with `env` on top. */
function provider(tenant: string, env: Record<string, string> = {}) {
  const oidc = parseConfig({ ...VALID_ENV, OIDC_ISSUER: `${origin}${tenant}`, ...env }).providers.list[0]
  return discoveredMetadata(oidc, httpOptions(oidc))
}

describe('discovery', () => {
  it('takes a provider that names itself as configured, and asks it once per process', async () => {
    documents.set('/good', complete)
    const first = await provider('/good')
    expect(first.token_endpoint).toBe(`${origin}/good/token`)
    expect(await provider('/good')).toBe(first)
    expect(requests.get('/good')).toBe(1)
  })

  it('refuses a provider naming another issuer, saying which variable fixes it (Oracle IDCS names a shared one)', async () => {
    documents.set('/oracle', () => complete('https://identity.oraclecloud.com/'))
    const error = await provider('/oracle').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LoginError)
    expect((error as LoginError).kind).toBe('misconfigured')
    expect((error as LoginError).detail).toMatch(
      /names its issuer "https:\/\/identity\.oraclecloud\.com\/".*OIDC_TOKEN_ISSUER=https:\/\/identity\.oraclecloud\.com\//,
    )
    const accepted = await provider('/oracle', { OIDC_TOKEN_ISSUER: 'https://identity.oraclecloud.com/' })
    expect(accepted.issuer).toBe('https://identity.oraclecloud.com/')
  })

  it('refuses a document without the endpoints a login needs, and does not keep it', async () => {
    documents.set('/partial', (issuer) => ({ issuer, authorization_endpoint: `${issuer}/authorize` }))
    for (let i = 0; i < 2; i++) {
      const error = await provider('/partial').catch((e: unknown) => e)
      expect((error as LoginError).kind).toBe('bad_provider_response')
    }
    expect(requests.get('/partial')).toBe(2)
  })
})
