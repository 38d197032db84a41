/**
 * A provider's health as /api/health reports it, probed for real against a
 * local server: reachable, an answer that is not discovery, no answer; and one
 * probe per provider every few seconds, however many ask.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../config'
import { VALID_ENV } from '../testing/config-problems'
import { providerHealth } from './health'

let server: Server
let origin: string
const requests = new Map<string, number>()

beforeAll(async () => {
  server = createServer((req, res) => {
    const tenant = req.url!.split('/')[1]!
    requests.set(tenant, (requests.get(tenant) ?? 0) + 1)
    if (tenant === 'broken') {
      res.statusCode = 500
      res.end('oops')
      return
    }
    res.setHeader('content-type', tenant === 'html' ? 'text/html' : 'application/json')
    res.end(tenant === 'html' ? '<html>a login page</html>' : JSON.stringify({ issuer: `${origin}/${tenant}` }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise((resolve) => server.close(resolve)))

const provider = (issuer: string) => parseConfig({ ...VALID_ENV, OIDC_ISSUER: issuer }).providers.list[0]

describe('a provider’s health', () => {
  it('is reachable where discovery answers with a document, and says why not otherwise', async () => {
    expect(await providerHealth(provider(`${origin}/good`))).toEqual({
      issuer: `${origin}/good`,
      discovery: 'reachable',
    })
    expect(await providerHealth(provider(`${origin}/broken`))).toMatchObject({
      discovery: 'error',
      status: 500,
      reason: 'bad_provider_response',
    })
    expect(await providerHealth(provider(`${origin}/html`))).toMatchObject({ discovery: 'error', status: 0 })
    // Nothing listens on port 1 of loopback.
    expect(await providerHealth(provider('http://127.0.0.1:1/down'))).toMatchObject({
      discovery: 'unreachable',
      reason: 'provider_unreachable',
      url: 'http://127.0.0.1:1/down/.well-known/openid-configuration',
    })
  })

  it('is probed once every few seconds, however many ask at once', async () => {
    const config = provider(`${origin}/busy`)
    const now = Date.now()
    await Promise.all(Array.from({ length: 20 }, () => providerHealth(config, now)))
    await providerHealth(config, now + 4_000)
    expect(requests.get('busy')).toBe(1)
    await providerHealth(config, now + 6_000)
    expect(requests.get('busy')).toBe(2)
  })
})
