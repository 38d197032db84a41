/**
 * The smallest real provider a flow needs to refresh or mint a token: a
 * discovery document and a token endpoint on loopback, answering each form
 * posted there as `answer` says. A real HTTP server, so oauth4webapi's own
 * requests and checks run as they do against a provider.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface TokenAnswer {
  readonly status: number
  readonly json: unknown
}

export interface TokenEndpoint {
  /** Where it is (its discovery document at /.well-known/openid-configuration). */
  readonly issuer: string
  readonly close: () => Promise<void>
}

export async function startTokenEndpoint(
  answer: (form: URLSearchParams) => TokenAnswer | Promise<TokenAnswer>,
): Promise<TokenEndpoint> {
  let issuer = ''
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json')
    if (req.url === '/.well-known/openid-configuration') {
      const endpoints = {
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
      }
      res.end(JSON.stringify({ issuer, ...endpoints }))
      return
    }
    let raw = ''
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()))
    req.on('end', () => {
      void Promise.resolve(answer(new URLSearchParams(raw))).then(({ status, json }) => {
        res.statusCode = status
        res.end(JSON.stringify(json))
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { issuer, close: () => new Promise((resolve) => server.close(() => resolve())) }
}
