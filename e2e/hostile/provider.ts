/**
 * A misbehaving OpenID provider: a real HTTP server that is correct by default
 * and can be told, per login (keyed by `state`), to get one thing wrong. It
 * serves discovery, JWKS, authorize (auto-approving its one test user), token,
 * userinfo and end-session, and records what the app sent it.
 *
 * Tenants, each with its own issuer and its own app instance under test:
 * - `main`:     per-login defects and faults;
 * - `mismatch`: discovery names another issuer (as Oracle IDCS does);
 * - `flaky`:    its own port, so its discovery can really be down, or fail, then recover.
 *               It starts down: its app must not have cached a discovery before the test.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import * as jose from 'jose'
import type { BackchannelResult, Defect, DiscoveryMode, LoginQuirks, LoginRecord, LogoutTokenDefect } from './defects.ts'
import { forgeLogoutToken } from './logout-tokens.ts'

export interface HostileClient {
  readonly clientId: string
  readonly clientSecret: string
  readonly appBaseUrl: string
}

export interface HostileOptions {
  readonly port: number
  readonly flakyPort: number
  readonly clients: Readonly<Record<'main' | 'mismatch' | 'flaky' | 'oracle' | 'google' | 'cognito' | 'entra', HostileClient>>
}

/** The Entra-shaped tenant's user lives in this tenant; `tid-mismatch` names the other. */
export const ENTRA_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad'
const OTHER_TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47'

/** How a tenant differs from a plain, correct provider. */
interface TenantShape {
  /** The issuer it names itself in discovery and tokens (Oracle IDCS: not its own URL). */
  readonly announcedIssuer?: string
  /** Google has no end_session_endpoint (and Cognito none in discovery). */
  readonly endSession?: boolean
  /** Entra ID's multi-tenant shape: announcedIssuer is a `{tenantid}` template, tokens carry `tid`, no RFC 9207 `iss`. */
  readonly tenantTemplate?: boolean
}

/** The user this provider signs in, whatever the login. */
export const HOSTILE_USER = { sub: 'hostile-user-1', name: 'Mallory Tester', email: 'mallory@example.net' } as const
/** What the mismatch tenant's discovery calls itself: Oracle IDCS's shape. */
export const MISMATCHED_ISSUER = 'https://identity.oraclecloud.com/'

type Key = { kid: string; alg: string; privateKey: CryptoKey; publicJwk: jose.JWK }

async function makeKey(kid: string, alg: 'RS256' | 'ES256'): Promise<Key> {
  const { privateKey, publicKey } = await jose.generateKeyPair(alg, { extractable: true })
  return { kid, alg, privateKey, publicJwk: { ...(await jose.exportJWK(publicKey)), kid, alg, use: 'sig' } }
}

function random(): string {
  return randomBytes(24).toString('base64url')
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url')
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = ''
  for await (const chunk of req) {
    body += String(chunk)
    if (body.length > 64 * 1024) break
  }
  return body
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers })
  res.end(JSON.stringify(body))
}

/** One issuer: its keys, its logins, and what it was asked. */
class Tenant {
  readonly logins = new Map<string, LoginRecord & { nonce?: string; challenge?: string; redirectUri?: string; sid?: string; sub?: string; lastLogoutToken?: string }>()
  /** Per-login quirks beyond the ID token (refresh, revocation, the API), set by the tests. */
  readonly quirks = new Map<string, LoginQuirks>()
  readonly counts = { discovery: 0, jwks: 0, authorize: 0, token: 0, userinfo: 0, logout: 0 }
  readonly issued: string[] = []
  private readonly codes = new Map<string, { state: string; used: boolean }>()
  private readonly accessTokens = new Map<string, string>()
  private readonly refreshTokens = new Map<string, { state: string; used: boolean }>()
  /** Access tokens the protected API refuses although they are valid (to make the app refresh). */
  private readonly refusedByApi = new Set<string>()
  /** Logins whose every access token the API refuses. */
  private readonly apiRefusesAll = new Set<string>()
  private publishedKeys: Key[]
  /** A fault for the next JWKS request only, armed when a token signed with an unpublished key is issued. */
  private jwksFault: Defect | undefined
  discoveryMode: DiscoveryMode = 'ok'
  private rotations = 0

  readonly issuer: string
  private readonly client: HostileClient
  private readonly keys: { rsa1: Key; rsa2: Key; ec1: Key }
  private readonly announcedIssuer: string

  private readonly endSession: boolean
  private readonly tenantTemplate: boolean
  /** What the app sent to Cognito's /logout, newest last. */
  readonly cognitoLogouts: Record<string, string>[] = []

  constructor(issuer: string, client: HostileClient, keys: { rsa1: Key; rsa2: Key; ec1: Key }, shape: TenantShape = {}) {
    this.issuer = issuer
    this.client = client
    this.keys = keys
    this.announcedIssuer = shape.announcedIssuer ?? issuer
    this.endSession = shape.endSession ?? true
    this.tenantTemplate = shape.tenantTemplate ?? false
    this.publishedKeys = [keys.rsa1, keys.rsa2, keys.ec1]
  }

  get redirectUri(): string {
    return `${this.client.appBaseUrl}/auth/callback`
  }

  login(state: string): LoginRecord & { nonce?: string; challenge?: string; sid?: string; sub?: string; lastLogoutToken?: string } {
    let record = this.logins.get(state)
    if (!record) {
      record = { defect: 'none', token: [], userinfo: [], refreshes: 0, api: [] }
      this.logins.set(state, record)
    }
    return record
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string, url: URL, hung: Set<ServerResponse>): Promise<void> {
    switch (path) {
      case '/.well-known/openid-configuration':
        return this.discovery(res, hung)
      case '/jwks':
        return this.jwks(res, hung)
      case '/authorize':
        return this.authorize(res, url)
      case '/token':
        return this.token(req, res, hung)
      case '/userinfo':
        return this.userinfo(req, res, hung)
      case '/logout':
        this.counts.logout++
        return this.logout(res, url)
      case '/api':
        return this.api(req, res)
      case '/revoke':
        return this.revoke(req, res, hung)
      case '/cognito-logout':
        return this.cognitoLogout(res, url)
      default:
        return json(res, 404, { error: 'not_found' })
    }
  }

  private fault(res: ServerResponse, fault: string, hung: Set<ServerResponse>): boolean {
    switch (fault) {
      case 'down':
        res.socket?.destroy()
        return true
      case '500':
        res.writeHead(500, { 'content-type': 'text/html' })
        res.end('<h1>Internal Server Error</h1>')
        return true
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end('{"this is": not json')
        return true
      case 'hang':
        hung.add(res)
        return true
      case '401':
        json(res, 401, { error: 'unauthorized' })
        return true
      case '403':
        res.writeHead(403)
        res.end()
        return true
      default:
        return false
    }
  }

  private discovery(res: ServerResponse, hung: Set<ServerResponse>): void {
    this.counts.discovery++
    if (this.discoveryMode !== 'ok' && this.fault(res, this.discoveryMode, hung)) return
    json(res, 200, {
      issuer: this.announcedIssuer,
      authorization_endpoint: `${this.issuer}/authorize`,
      token_endpoint: `${this.issuer}/token`,
      userinfo_endpoint: `${this.issuer}/userinfo`,
      jwks_uri: `${this.issuer}/jwks`,
      revocation_endpoint: `${this.issuer}/revoke`,
      ...(this.endSession ? { end_session_endpoint: `${this.issuer}/logout` } : {}),
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: ['openid', 'profile', 'email'],
      authorization_response_iss_parameter_supported: !this.tenantTemplate,
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
    })
  }

  private jwks(res: ServerResponse, hung: Set<ServerResponse>): void {
    this.counts.jwks++
    const fault = this.jwksFault
    this.jwksFault = undefined
    if (fault && this.fault(res, fault.replace('jwks-', ''), hung)) return
    json(res, 200, { keys: this.publishedKeys.map((k) => k.publicJwk) })
  }

  private authorize(res: ServerResponse, url: URL): void {
    this.counts.authorize++
    const q = Object.fromEntries(url.searchParams)
    // The app's request must be right, or this provider refuses it like a real one would.
    if (q.client_id !== this.client.clientId || q.redirect_uri !== this.redirectUri || q.response_type !== 'code') {
      return json(res, 400, { error: 'invalid_request', error_description: 'unknown client or redirect_uri' })
    }
    if (q.code_challenge_method !== 'S256' || !q.code_challenge || !q.state || !q.nonce) {
      return json(res, 400, { error: 'invalid_request', error_description: 'PKCE S256, state and nonce are required' })
    }
    const record = this.login(q.state)
    // Each login is a provider session of its own, named in the ID token's `sid` (back-channel logout uses it).
    Object.assign(record, { authorize: q, nonce: q.nonce, challenge: q.code_challenge, sid: record.sid ?? random() })

    const back = new URL(this.redirectUri)
    const defect = record.defect
    if (defect === 'provider-error') {
      back.searchParams.set('error', 'access_denied')
      back.searchParams.set('error_description', 'The hostile provider refused: <b>no</b> & "never"')
      back.searchParams.set('state', q.state)
      back.searchParams.set('iss', this.announcedIssuer)
      return this.redirect(res, back)
    }
    const code = random()
    this.codes.set(code, { state: q.state, used: false })
    this.issued.push(code)
    back.searchParams.set('code', code)
    if (defect === 'wrong-state') back.searchParams.set('state', random())
    else if (defect !== 'no-state') back.searchParams.set('state', q.state)
    if (defect === 'wrong-iss-param') back.searchParams.set('iss', 'https://evil.example')
    else if (defect !== 'missing-iss-param' && !this.tenantTemplate) back.searchParams.set('iss', this.announcedIssuer)
    this.redirect(res, back)
  }

  private redirect(res: ServerResponse, to: URL): void {
    res.writeHead(302, { location: to.href, 'cache-control': 'no-store' })
    res.end()
  }

  private clientAuth(req: IncomingMessage, params: URLSearchParams): LoginRecord['token'][number]['clientAuth'] {
    const header = req.headers.authorization
    if (header?.startsWith('Basic ')) {
      const [id, secret] = Buffer.from(header.slice(6), 'base64').toString().split(':').map(decodeURIComponent)
      return id === this.client.clientId && secret === this.client.clientSecret ? 'client_secret_basic' : 'invalid'
    }
    if (params.has('client_secret')) {
      return params.get('client_id') === this.client.clientId && params.get('client_secret') === this.client.clientSecret
        ? 'client_secret_post'
        : 'invalid'
    }
    return 'none'
  }

  /** Makes the API refuse this login's current access tokens; `all` also the ones a refresh brings. */
  refuseAtApi(state: string, all: boolean): void {
    for (const [token, owner] of this.accessTokens) if (owner === state) this.refusedByApi.add(token)
    if (all) this.apiRefusesAll.add(state)
  }

  private issueTokens(state: string, withRefreshToken = true): { access_token: string; refresh_token?: string; token_type: string; expires_in: number; scope: string } {
    const accessToken = random()
    this.accessTokens.set(accessToken, state)
    this.issued.push(accessToken)
    const tokens = { access_token: accessToken, token_type: 'Bearer', expires_in: 300, scope: 'openid profile email' }
    if (!withRefreshToken) return tokens
    const refreshToken = random()
    this.refreshTokens.set(refreshToken, { state, used: false })
    this.issued.push(refreshToken)
    return { ...tokens, refresh_token: refreshToken }
  }

  /** Refresh-token grant: with rotation by default (each refresh token works once), or as the login's quirk says. */
  private refresh(req: IncomingMessage, res: ServerResponse, params: URLSearchParams): void {
    const entry = this.refreshTokens.get(params.get('refresh_token') ?? '')
    if (this.clientAuth(req, params) !== 'client_secret_basic' && this.clientAuth(req, params) !== 'client_secret_post') {
      return json(res, 401, { error: 'invalid_client' })
    }
    if (!entry || entry.used) return json(res, 400, { error: 'invalid_grant', error_description: 'refresh token unknown or used' })
    const behaviour = this.quirks.get(entry.state)?.refresh ?? 'rotate'
    this.login(entry.state).refreshes++
    switch (behaviour) {
      case 'empty-400':
        res.writeHead(400)
        return void res.end()
      case '429':
        res.writeHead(429, { 'retry-after': '1' })
        return void res.end()
      case '503':
        res.writeHead(503, { 'content-type': 'text/html' })
        return void res.end('<h1>Service Unavailable</h1>')
      case 'keep':
        return json(res, 200, this.issueTokens(entry.state, false))
      case 'rotate':
        entry.used = true
        return json(res, 200, this.issueTokens(entry.state))
    }
  }

  /** Token revocation (RFC 7009): recorded per login; hangs for a login whose quirk says so. */
  private async revoke(req: IncomingMessage, res: ServerResponse, hung: Set<ServerResponse>): Promise<void> {
    const params = new URLSearchParams(await readBody(req))
    const token = params.get('token') ?? ''
    const state = this.accessTokens.get(token) ?? this.refreshTokens.get(token)?.state
    if (state) {
      const record = this.login(state)
      ;(record.revocations ??= []).push(params.get('token_type_hint') ?? '(none)')
      if (this.quirks.get(state)?.revocationHangs) return void hung.add(res)
    }
    res.writeHead(200)
    res.end()
  }

  private api(req: IncomingMessage, res: ServerResponse): void {
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? ''
    const state = this.accessTokens.get(token)
    const refused = !state || this.refusedByApi.has(token) || this.apiRefusesAll.has(state)
    if (state) this.login(state).api.push(refused ? 401 : 200)
    if (refused) return json(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' })
    if (state && this.quirks.get(state)?.apiEndless) return this.endlessAnswer(res)
    json(res, 200, { message: 'Hello from the hostile API', sub: HOSTILE_USER.sub })
  }

  /** An answer that keeps coming: 1 KB every 5 ms until the app hangs up (or 64 MB, a bound for this loop). */
  private endlessAnswer(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/plain' })
    const chunk = 'x'.repeat(1024)
    let sent = 0
    const timer = setInterval(() => {
      if (res.destroyed || sent >= 64 * 1024) {
        clearInterval(timer)
        res.end()
        return
      }
      sent++
      res.write(chunk)
    }, 5)
    res.on('close', () => clearInterval(timer))
  }

  private async token(req: IncomingMessage, res: ServerResponse, hung: Set<ServerResponse>): Promise<void> {
    this.counts.token++
    const params = new URLSearchParams(await readBody(req))
    if (params.get('grant_type') === 'refresh_token') return this.refresh(req, res, params)
    const code = this.codes.get(params.get('code') ?? '')
    const record = code ? this.login(code.state) : undefined
    const clientAuth = this.clientAuth(req, params)
    const pkceValid = Boolean(record?.challenge) && s256(params.get('code_verifier') ?? '') === record?.challenge
    const entry: LoginRecord['token'][number] = {
      clientAuth,
      pkceValid,
      params: Object.fromEntries([...params].map(([k, v]) => [k, k === 'code_verifier' || k === 'client_secret' ? '(redacted)' : v])),
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, k === 'authorization' ? '(redacted)' : String(v)])),
      outcome: 'issued',
    }
    record?.token.push(entry)

    if (clientAuth === 'invalid' || clientAuth === 'none') {
      entry.outcome = 'invalid_client'
      return json(res, 401, { error: 'invalid_client' })
    }
    if (!code || !record || code.used || !pkceValid || params.get('redirect_uri') !== this.redirectUri) {
      entry.outcome = 'invalid_grant'
      return json(res, 400, { error: 'invalid_grant', error_description: 'code unknown, used, or PKCE/redirect_uri mismatch' })
    }
    code.used = true
    if (record.defect.startsWith('token-')) {
      entry.outcome = 'fault'
      this.fault(res, record.defect.replace('token-', ''), hung)
      return
    }

    const idToken = await this.idToken(record)
    this.issued.push(idToken)
    json(res, 200, { ...this.issueTokens(code.state), id_token: idToken })
  }

  /**
   * Back-channel logout for one login: a logout token (wrong in the way asked,
   * or the previous one again) POSTed to the app, as a provider does when the
   * user's session there ends. Returns what the app answered.
   */
  async backchannelLogout(state: string, defect: LogoutTokenDefect, again: boolean): Promise<BackchannelResult> {
    const record = this.login(state)
    const token =
      again && record.lastLogoutToken
        ? record.lastLogoutToken
        : await forgeLogoutToken({ issuer: this.announcedIssuer, clientId: this.client.clientId, sub: record.sub ?? HOSTILE_USER.sub, sid: record.sid, key: this.keys.rsa1 }, defect)
    record.lastLogoutToken = token
    const response = await fetch(`${this.client.appBaseUrl}/auth/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: token }),
      redirect: 'manual',
    })
    const text = await response.text()
    let body: unknown = text
    try {
      body = text ? JSON.parse(text) : null
    } catch {
      // not JSON: kept as text
    }
    return { status: response.status, body, cacheControl: response.headers.get('cache-control') }
  }

  private async idToken(record: LoginRecord & { nonce?: string; sid?: string; sub?: string }): Promise<string> {
    const now = Math.floor(Date.now() / 1000)
    const d = record.defect
    const tokenIssuer = this.tenantTemplate ? this.announcedIssuer.replace('{tenantid}', ENTRA_TENANT_ID) : this.announcedIssuer
    const claims: jose.JWTPayload & Record<string, unknown> = {
      iss: d === 'wrong-iss' ? 'https://evil.example' : tokenIssuer,
      sub: record.sub ?? HOSTILE_USER.sub,
      aud: d === 'wrong-aud' ? 'someone-else' : d.startsWith('multi-aud') ? [this.client.clientId, 'another-client'] : this.client.clientId,
      exp: d === 'expired' ? now - 120 : d === 'clock-behind-within-tolerance' ? now - 10 : now + 300,
      iat: d === 'iat-future' ? now + 3600 : d === 'clock-ahead-within-tolerance' ? now + 20 : d === 'expired' ? now - 600 : now,
      nonce: d === 'nonce-wrong' ? 'not-the-nonce' : record.nonce,
      name: HOSTILE_USER.name,
      auth_time: d === 'old-auth-time' || d === 'old-auth-time-fresh-userinfo' ? now - 3600 : now,
      acr: d === 'acr-weak' ? 'urn:hostile:weak' : (record.authorize?.acr_values?.split(' ')[0] ?? 'urn:hostile:password'),
      sid: record.sid,
    }
    if (d === 'multi-aud-wrong-azp') claims.azp = 'another-client'
    if (this.tenantTemplate) claims.tid = d === 'tid-mismatch' ? OTHER_TENANT_ID : ENTRA_TENANT_ID
    if (d === 'iat-missing') delete claims.iat
    if (d === 'sub-missing') delete claims.sub
    if (d === 'nonce-missing') delete claims.nonce
    if (d === 'clock-behind-within-tolerance') claims.iat = now - 310

    if (d === 'alg-none') return new jose.UnsecuredJWT(claims).encode()
    if (d === 'alg-hs256-key-confusion') {
      // The classic confusion: the RSA public key used as an HMAC secret.
      const secret = new TextEncoder().encode(await jose.exportSPKI(await jose.importJWK(this.keys.rsa1.publicJwk, 'RS256') as CryptoKey))
      return new jose.SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: this.keys.rsa1.kid }).sign(secret)
    }
    if (d === 'alg-unadvertised') {
      const rs384 = await jose.importJWK(await jose.exportJWK(this.keys.rsa1.privateKey), 'RS384')
      return new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS384', kid: this.keys.rsa1.kid }).sign(rs384)
    }

    let key = this.keys.rsa1
    let kid: string | undefined = key.kid
    if (d === 'no-kid-several-keys') kid = undefined
    if (d === 'no-kid-single-key') {
      key = this.keys.ec1
      kid = undefined
    }
    if (d === 'rotated-key' || d.startsWith('jwks-')) {
      // A key the app has not seen: it must fetch the key set again to find it.
      key = await makeKey(`rotated-${++this.rotations}`, 'RS256')
      kid = key.kid
      if (d === 'rotated-key') this.publishedKeys = [...this.publishedKeys, key]
      else this.jwksFault = d
    }
    const jwt = await new jose.SignJWT(claims).setProtectedHeader(kid ? { alg: key.alg, kid } : { alg: key.alg }).sign(key.privateKey)
    if (d !== 'bad-signature') return jwt
    const [header, payload, signature] = jwt.split('.') as [string, string, string]
    const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11)
    return `${header}.${payload}.${flipped}`
  }

  private userinfo(req: IncomingMessage, res: ServerResponse, hung: Set<ServerResponse>): void {
    this.counts.userinfo++
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? ''
    const state = this.accessTokens.get(token)
    if (!state) return json(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' })
    const record = this.login(state)
    record.userinfo.push({ authorization: req.headers.authorization ? 'Bearer (redacted)' : undefined })
    if (record.defect.startsWith('userinfo-') && record.defect !== 'userinfo-sub-mismatch') {
      this.fault(res, record.defect.replace('userinfo-', ''), hung)
      return
    }
    json(res, 200, {
      sub: record.defect === 'userinfo-sub-mismatch' ? 'someone-else-entirely' : (record.sub ?? HOSTILE_USER.sub),
      name: HOSTILE_USER.name,
      email: HOSTILE_USER.email,
      email_verified: true,
      ...(record.defect === 'old-auth-time-fresh-userinfo' ? { auth_time: Math.floor(Date.now() / 1000), acr: 'urn:hostile:mfa' } : {}),
    })
  }

  /** Amazon Cognito's hosted-UI /logout: client_id and logout_uri, nothing standard. */
  private cognitoLogout(res: ServerResponse, url: URL): void {
    this.cognitoLogouts.push(Object.fromEntries(url.searchParams))
    const target = url.searchParams.get('logout_uri')
    if (url.searchParams.get('client_id') === this.client.clientId && target === `${this.client.appBaseUrl}/`) return this.redirect(res, new URL(target))
    json(res, 400, { error: 'invalid_request', error_description: 'Cognito needs client_id and a registered logout_uri' })
  }

  private logout(res: ServerResponse, url: URL): void {
    const target = url.searchParams.get('post_logout_redirect_uri')
    if (target === `${this.client.appBaseUrl}/`) return this.redirect(res, new URL(target))
    json(res, 200, { signed_out: true })
  }
}

export interface HostileProvider {
  readonly close: () => Promise<void>
}

/** Starts the provider on loopback; resolves once both ports accept connections. */
export async function startHostileProvider(options: HostileOptions): Promise<HostileProvider> {
  const host = '127.0.0.1'
  const base = `http://${host}:${options.port}`
  const keys = {
    rsa1: await makeKey('rsa-1', 'RS256'),
    rsa2: await makeKey('rsa-2', 'RS256'),
    ec1: await makeKey('ec-1', 'ES256'),
  }
  const tenants = {
    main: new Tenant(`${base}/main`, options.clients.main, keys),
    mismatch: new Tenant(`${base}/mismatch`, options.clients.mismatch, keys, { announcedIssuer: MISMATCHED_ISSUER }),
    flaky: new Tenant(`http://${host}:${options.flakyPort}`, options.clients.flaky, keys),
    oracle: new Tenant(`${base}/oracle`, options.clients.oracle, keys, { announcedIssuer: MISMATCHED_ISSUER }),
    google: new Tenant(`${base}/google`, options.clients.google, keys, { endSession: false }),
    cognito: new Tenant(`${base}/cognito`, options.clients.cognito, keys, { endSession: false }),
    entra: new Tenant(`${base}/entra/common/v2.0`, options.clients.entra, keys, {
      announcedIssuer: `${base}/entra/{tenantid}/v2.0`,
      tenantTemplate: true,
    }),
  }
  const pathTenants = new Map<string, Tenant>(
    (['main', 'mismatch', 'oracle', 'google', 'cognito', 'entra'] as const).map((name) => [name, tenants[name]]),
  )
  const hung = new Set<ServerResponse>()

  const onError = (res: ServerResponse) => (error: unknown) => {
    if (!res.headersSent) json(res, 500, { error: 'server_error', error_description: String(error) })
  }

  async function control(req: IncomingMessage, res: ServerResponse, parts: string[]): Promise<void> {
    const tenant = tenants[(parts[1] ?? '') as keyof typeof tenants]
    if (!tenant) return json(res, 404, { error: 'no such tenant' })
    const [, , what, key] = parts
    if (what === 'logins' && key && req.method === 'POST') {
      const { defect, sub } = JSON.parse(await readBody(req)) as { defect: Defect; sub?: string }
      Object.assign(tenant.login(key), { defect, ...(sub ? { sub } : {}) })
      return json(res, 200, { ok: true })
    }
    if (what === 'logins' && key) return json(res, 200, tenant.logins.get(key) ?? null)
    if (what === 'quirks' && key && req.method === 'POST') {
      tenant.quirks.set(key, JSON.parse(await readBody(req)) as LoginQuirks)
      return json(res, 200, { ok: true })
    }
    if (what === 'api-refuses' && key && req.method === 'POST') {
      tenant.refuseAtApi(key, JSON.parse(await readBody(req)).all === true)
      return json(res, 200, { ok: true })
    }
    if (what === 'backchannel' && key && req.method === 'POST') {
      const { defect, again } = JSON.parse(await readBody(req)) as { defect: LogoutTokenDefect; again?: boolean }
      return json(res, 200, await tenant.backchannelLogout(key, defect, again === true))
    }
    if (what === 'counts') return json(res, 200, tenant.counts)
    if (what === 'issued') return json(res, 200, tenant.issued)
    if (what === 'cognito-logouts') return json(res, 200, tenant.cognitoLogouts)
    if (what === 'discovery' && req.method === 'POST') {
      const mode = JSON.parse(await readBody(req)).mode as DiscoveryMode
      tenant.discoveryMode = mode
      await setFlakyListening(tenant === tenants.flaky ? mode !== 'down' : true)
      return json(res, 200, { ok: true })
    }
    json(res, 404, { error: 'unknown control' })
  }

  const main = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base)
    const parts = url.pathname.split('/').filter(Boolean)
    if (parts[0] === 'control') return void control(req, res, parts).catch(onError(res))
    const tenant = pathTenants.get(parts[0] ?? '')
    const issuerPath = tenant ? new URL(tenant.issuer).pathname : ''
    if (!tenant || !url.pathname.startsWith(issuerPath)) return json(res, 404, { error: 'not_found' })
    void tenant.handle(req, res, url.pathname.slice(issuerPath.length), url, hung).catch(onError(res))
  })
  const flaky = createServer((req, res) => {
    const url = new URL(req.url ?? '/', tenants.flaky.issuer)
    void tenants.flaky.handle(req, res, url.pathname, url, hung).catch(onError(res))
  })

  let flakyListening = false
  async function setFlakyListening(listening: boolean): Promise<void> {
    if (listening === flakyListening) return
    flakyListening = listening
    if (listening) await new Promise<void>((resolve) => flaky.listen(options.flakyPort, host, resolve))
    else {
      flaky.closeAllConnections()
      await new Promise((resolve) => flaky.close(resolve))
    }
  }

  await new Promise<void>((resolve) => main.listen(options.port, host, resolve))
  // The flaky tenant starts down, so its app cannot cache a discovery before the test that needs it.
  tenants.flaky.discoveryMode = 'down'

  return {
    close: async () => {
      for (const res of hung) res.socket?.destroy()
      main.closeAllConnections()
      await new Promise((resolve) => main.close(resolve))
      await setFlakyListening(false)
    },
  }
}

