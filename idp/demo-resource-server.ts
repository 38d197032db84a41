/**
 * A demo API (a resource server) for apps that call several (APIS): it
 * verifies each access token as a real API would (a JWT signed by the local
 * provider, for its own audience), and, for a token bound to a key
 * (`cnf.jkt`), the DPoP proof that must come with it (RFC 9449 §7: signature,
 * `htm`, `htu`, `ath`, a fresh `jti`, its own nonce, and the proof's key
 * thumbprint equal to the token's `cnf.jkt`). It records what it saw, so tests
 * can tell which token reached which API: GET /_seen (DELETE clears it).
 *
 * Paths: anything answers who the token is for; `/always-401` refuses every
 * token; `/redirect` answers 302 elsewhere; `/big` sends 5 MiB.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { calculateJwkThumbprint, createRemoteJWKSet, EmbeddedJWK, jwtVerify, type JWTPayload } from 'jose'

export interface DemoResourceServerOptions {
  readonly port: number
  /** Its name in answers and records. */
  readonly name: string
  /** The provider whose tokens it takes. */
  readonly issuer: string
  /** Its audience (the resource indicator); default its own origin. */
  readonly resource?: string
  /** Require DPoP nonces, rotated every `nonceWindowMs` (the current and the previous one are accepted). */
  readonly requireNonce?: boolean
  readonly nonceWindowMs?: number
}

/** What the API saw of one request. */
export interface SeenRequest {
  readonly method: string
  readonly path: string
  readonly scheme: string | null
  readonly outcome:
    | 'ok'
    | 'no-token'
    | 'bad-token'
    | 'wrong-audience'
    | 'proof-missing'
    | 'bad-proof'
    | 'jkt-mismatch'
    | 'nonce'
    | 'refused'
  readonly aud?: unknown
  readonly sub?: string | undefined
  readonly scope?: unknown
  /** The token's `cnf.jkt`, and the thumbprint of the key that signed the proof. */
  readonly tokenJkt?: string | undefined
  readonly proofJkt?: string | undefined
  readonly detail?: string
}

export interface DemoResourceServer {
  readonly url: string
  readonly close: () => Promise<void>
}

const MAX_SEEN = 5_000

export async function startDemoResourceServer(options: DemoResourceServerOptions): Promise<DemoResourceServer> {
  const server: Server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, '127.0.0.1', () => resolve())
  })
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const audience = options.resource ?? origin
  const keys = createRemoteJWKSet(new URL(`${options.issuer}/jwks`))
  const seen: SeenRequest[] = []
  const usedJtis = new Set<string>()
  const secret = randomBytes(16).toString('base64url')
  const windowMs = options.nonceWindowMs ?? 2_000
  const nonceAt = (offset: number) =>
    createHash('sha256')
      .update(`${secret}:${Math.floor(Date.now() / windowMs) - offset}`)
      .digest('base64url')

  const record = (entry: SeenRequest) => {
    seen.push(entry)
    if (seen.length > MAX_SEEN) seen.shift()
  }
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers })
    res.end(JSON.stringify(body))
  }

  /** The proof checks of RFC 9449 §4.3 and §7.1, for a token bound to `jkt`. */
  async function checkProof(
    req: IncomingMessage,
    url: URL,
    token: string,
    jkt: string,
  ): Promise<{ outcome: SeenRequest['outcome']; proofJkt?: string; detail?: string }> {
    const proof = req.headers.dpop
    if (typeof proof !== 'string') return { outcome: 'proof-missing' }
    let payload: JWTPayload
    let proofJkt: string
    try {
      const verified = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256', 'EdDSA'] })
      payload = verified.payload
      proofJkt = await calculateJwkThumbprint(verified.protectedHeader.jwk!)
    } catch (error) {
      return { outcome: 'bad-proof', detail: error instanceof Error ? error.message : String(error) }
    }
    if (proofJkt !== jkt) return { outcome: 'jkt-mismatch', proofJkt }
    const ath = createHash('sha256').update(token).digest('base64url')
    if (payload.htm !== req.method || payload.htu !== `${origin}${url.pathname}` || payload.ath !== ath) {
      return { outcome: 'bad-proof', proofJkt, detail: 'htm, htu or ath' }
    }
    if (
      typeof payload.jti !== 'string' ||
      usedJtis.has(payload.jti) ||
      Math.abs(Date.now() / 1000 - (payload.iat ?? 0)) > 60
    ) {
      return { outcome: 'bad-proof', proofJkt, detail: 'jti reused or iat stale' }
    }
    if (options.requireNonce && payload.nonce !== nonceAt(0) && payload.nonce !== nonceAt(1))
      return { outcome: 'nonce', proofJkt }
    usedJtis.add(payload.jti)
    if (usedJtis.size > MAX_SEEN) usedJtis.delete(usedJtis.values().next().value!)
    return { outcome: 'ok', proofJkt }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin)
    if (url.pathname === '/_seen') {
      if (req.method === 'DELETE') seen.length = 0
      return json(res, 200, seen)
    }
    const nonceHeader: Record<string, string> = options.requireNonce ? { 'dpop-nonce': nonceAt(0) } : {}
    const base = { method: req.method ?? 'GET', path: url.pathname }
    const [scheme = null, token] = (req.headers.authorization ?? '').split(' ')
    if (!token) {
      record({ ...base, scheme, outcome: 'no-token' })
      return json(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer' })
    }
    let claims: JWTPayload
    try {
      claims = (await jwtVerify(token, keys, { issuer: options.issuer })).payload
    } catch {
      record({ ...base, scheme, outcome: 'bad-token' })
      return json(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' })
    }
    const facts: Omit<SeenRequest, 'outcome'> & { proofJkt?: string | undefined } = {
      ...base,
      scheme,
      aud: claims.aud,
      sub: claims.sub,
      scope: claims.scope,
      tokenJkt: (claims.cnf as { jkt?: string } | undefined)?.jkt,
    }
    const audiences: unknown[] = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
    // Its own audience, or one below it (several APIs on one demo server, each its own resource).
    if (!audiences.some((a) => a === audience || (typeof a === 'string' && a.startsWith(`${audience}/`)))) {
      record({ ...facts, outcome: 'wrong-audience' })
      return json(
        res,
        401,
        { error: 'invalid_token', error_description: 'not for this API' },
        { 'www-authenticate': 'Bearer error="invalid_token"' },
      )
    }
    if (facts.tokenJkt) {
      const proof =
        scheme === 'DPoP' ? await checkProof(req, url, token, facts.tokenJkt) : { outcome: 'proof-missing' as const }
      if (proof.outcome !== 'ok') {
        record({ ...facts, ...proof })
        const error = proof.outcome === 'nonce' ? 'use_dpop_nonce' : 'invalid_dpop_proof'
        return json(res, 401, { error }, { 'www-authenticate': `DPoP error="${error}", algs="ES256"`, ...nonceHeader })
      }
      facts.proofJkt = proof.proofJkt
    }
    if (url.pathname.endsWith('/always-401')) {
      record({ ...facts, outcome: 'refused' })
      return json(
        res,
        401,
        { error: 'invalid_token' },
        { 'www-authenticate': `${facts.tokenJkt ? 'DPoP' : 'Bearer'} error="invalid_token"`, ...nonceHeader },
      )
    }
    record({ ...facts, outcome: 'ok' })
    if (url.pathname.endsWith('/redirect')) {
      res.writeHead(302, { location: 'http://127.0.0.1:9/elsewhere', ...nonceHeader })
      return void res.end()
    }
    if (url.pathname.endsWith('/big')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', ...nonceHeader })
      return void res.end(Buffer.alloc(5 * 1024 * 1024, 97))
    }
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    json(
      res,
      200,
      {
        api: options.name,
        method: req.method,
        path: url.pathname,
        query: url.search,
        sub: claims.sub,
        aud: claims.aud,
        scope: claims.scope,
        bound: Boolean(facts.tokenJkt),
        body,
      },
      nonceHeader,
    )
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        json(res, 500, {
          error: 'server_error',
          error_description: error instanceof Error ? error.message : String(error),
        })
    })
  })

  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
