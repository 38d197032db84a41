/**
 * The transport rules every call to a provider follows, through oauth4webapi's
 * own request functions against a real local server: plain http only where
 * configuration allowed it, and each call its own deadline.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OidcConfig } from '../config'
import { httpOptions } from './http'

let server: Server
let issuer: URL
let calls = 0

beforeAll(async () => {
  server = createServer((_, res) => {
    calls++
    res.setHeader('content-type', 'application/json')
    res.end(
      JSON.stringify({ issuer: issuer.href.replace(/\/$/, ''), authorization_endpoint: `${issuer.href}authorize` }),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  issuer = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
})
afterAll(() => new Promise((resolve) => server.close(resolve)))

/** Only what the transport rules read of a provider's configuration. */
const provider = (allowHttp: boolean) => ({ id: 'default', dpop: false, allowHttp }) as OidcConfig

describe('calls to the provider', () => {
  it('refuse plain http unless configuration allowed it, before anything is sent', async () => {
    const before = calls
    await expect(oauth.discoveryRequest(issuer, httpOptions(provider(false)))).rejects.toThrow(/HTTPS/i)
    expect(calls).toBe(before)
    const response = await oauth.discoveryRequest(issuer, httpOptions(provider(true)))
    expect(response.status).toBe(200)
    expect(calls).toBe(before + 1)
  })

  it('each get a deadline of their own', () => {
    const options = httpOptions(provider(true))
    const [first, second] = [options.signal(), options.signal()]
    expect(first).not.toBe(second)
    expect(first.aborted).toBe(false)
  })
})
