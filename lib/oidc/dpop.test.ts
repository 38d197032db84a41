/**
 * DPoP proofs as a resource server receives them: real requests through
 * oauth4webapi to a real local server that records each DPoP header and asks
 * for a nonce, as RFC 9449 servers may.
 */
import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeJwt } from '../jwt'
import {
  dpopHandle,
  dpopThumbprint,
  newDpopKey,
  nonceNotingFetch,
  requireBoundToken,
  supportsOurAlgorithm,
  withNonceRetry,
} from './dpop'

let server: Server
let base: string
const proofs: string[] = []
/** The nonce the server wants now; a proof without it is answered 401 use_dpop_nonce. */
let wanted: string | undefined

beforeAll(async () => {
  server = createServer((req, res) => {
    const proof = String(req.headers.dpop ?? '')
    proofs.push(proof)
    const nonce = decodeJwt(proof).claims.nonce
    if (wanted !== undefined && nonce !== wanted) {
      res.writeHead(401, { 'www-authenticate': 'DPoP error="use_dpop_nonce"', 'dpop-nonce': wanted })
      res.end()
      return
    }
    res.setHeader('content-type', 'application/json')
    res.end('{"ok":true}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise((resolve) => server.close(resolve)))

const client = { client_id: 'app' }
const base64url = (bytes: Buffer) => bytes.toString('base64url')

/** One API call with a DPoP-bound access token, as lib/api/send.ts makes it. */
async function call(key: Awaited<ReturnType<typeof newDpopKey>>, path: string) {
  const DPoP = await dpopHandle(client, key)
  return withNonceRetry(async () => {
    const response = await oauth.protectedResourceRequest(
      'access-token',
      'GET',
      new URL(path, base),
      new Headers(),
      null,
      {
        DPoP,
        [oauth.allowInsecureRequests]: true,
        [oauth.customFetch]: nonceNotingFetch,
      },
    )
    return response.status
  })
}

describe('DPoP proofs', () => {
  it("carry only the session key's public half, and name this request: method, address without query, the token's hash", async () => {
    const key = await newDpopKey()
    expect(await call(key, '/orders?page=2')).toBe(200)
    const { header, claims } = decodeJwt(proofs.at(-1)!)
    expect(header).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256' })
    expect(header.jwk).toEqual({ kty: 'EC', crv: 'P-256', x: key.x, y: key.y })
    expect(claims).toMatchObject({ htm: 'GET', htu: `${base}/orders` })
    expect(claims.ath).toBe(base64url(createHash('sha256').update('access-token').digest()))
  })

  it('are new every time, and each session signs with its own key', async () => {
    const [mine, theirs] = [await newDpopKey(), await newDpopKey()]
    await call(mine, '/a')
    await call(mine, '/a')
    await call(theirs, '/a')
    const [first, second, third] = proofs.slice(-3).map((proof) => decodeJwt(proof))
    expect(first!.claims.jti).not.toBe(second!.claims.jti)
    expect(third!.header.jwk).not.toEqual(first!.header.jwk)
    expect(await dpopThumbprint(mine)).not.toBe(await dpopThumbprint(theirs))
  })

  it('take the nonce a server asks for, retrying once, and carry it from then on', async () => {
    const key = await newDpopKey()
    wanted = 'nonce-1'
    const before = proofs.length
    expect(await call(key, '/n')).toBe(200)
    expect(proofs.length - before).toBe(2)
    expect(await call(key, '/n')).toBe(200)
    expect(proofs.length - before).toBe(3)
    expect(decodeJwt(proofs.at(-1)!).claims.nonce).toBe('nonce-1')
    wanted = undefined
  })

  it('name the key by its RFC 7638 thumbprint, the SHA-256 of its required members in order', async () => {
    const key = await newDpopKey()
    const canonical = `{"crv":"P-256","kty":"EC","x":"${key.x}","y":"${key.y}"}`
    expect(await dpopThumbprint(key)).toBe(base64url(createHash('sha256').update(canonical).digest()))
  })
})

describe('no downgrade', () => {
  it('refuses a Bearer token where DPoP is on, naming the setting, and a provider that does not list ES256', () => {
    const config = { variable: (name: string) => `OIDC_${name}` }
    expect(() => requireBoundToken({ access_token: 'a', token_type: 'bearer' }, config)).toThrow(
      /OIDC_DPOP=true.*Bearer/,
    )
    expect(() => requireBoundToken({ access_token: 'a', token_type: 'dpop' }, config)).not.toThrow()
    expect(supportsOurAlgorithm({ issuer: 'x', dpop_signing_alg_values_supported: ['RS256'] })).toBe(false)
    expect(supportsOurAlgorithm({ issuer: 'x', dpop_signing_alg_values_supported: ['ES256', 'RS256'] })).toBe(true)
  })
})
