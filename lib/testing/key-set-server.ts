/**
 * A provider's key set on loopback, for tests of signature checks: a real
 * HTTP server publishing `published` at /jwks (and a discovery document that
 * points there), counting the key-set downloads. Test code only.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { JWK } from 'jose'
import { afterAll, beforeAll } from 'vitest'

export interface KeySetServer {
  readonly issuer: string
  /** The keys served from now on. */
  published: JWK[]
  /** Key-set downloads so far (discovery is not counted). */
  fetches: number
  readonly close: () => Promise<void>
}

export async function startKeySetServer(): Promise<KeySetServer> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    if (req.url === '/.well-known/openid-configuration') {
      res.end(
        JSON.stringify({
          issuer: keySet.issuer,
          authorization_endpoint: `${keySet.issuer}/authorize`,
          token_endpoint: `${keySet.issuer}/token`,
          jwks_uri: `${keySet.issuer}/jwks`,
        }),
      )
      return
    }
    keySet.fetches++
    res.end(JSON.stringify({ keys: keySet.published }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const keySet: KeySetServer = {
    issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    published: [],
    fetches: 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
  return keySet
}

/** A key-set server for the calling test file: started before its tests, closed after them. */
export function keySetServerForTests(): KeySetServer {
  let server: KeySetServer | undefined
  const started = () => {
    if (!server) throw new Error('The key-set server starts in beforeAll: use it inside a test.')
    return server
  }
  beforeAll(async () => {
    server = await startKeySetServer()
  })
  afterAll(() => started().close())
  return {
    get issuer() {
      return started().issuer
    },
    get published() {
      return started().published
    },
    set published(keys) {
      started().published = keys
    },
    get fetches() {
      return started().fetches
    },
    set fetches(count) {
      started().fetches = count
    },
    close: () => started().close(),
  }
}
