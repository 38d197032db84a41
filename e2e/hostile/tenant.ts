/**
 * One issuer of the hostile provider: its endpoints (discovery, JWKS,
 * authorize, token, userinfo, revocation, end-session, Cognito's /logout and a
 * protected API), each correct by default and told per login (keyed by
 * `state`) to get one thing wrong, and a record of what the app sent it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type {
  BackchannelResult,
  Defect,
  DiscoveryMode,
  LoginQuirks,
  LoginRecord,
  LogoutTokenDefect,
} from './defects.ts'
import { answerWithFault, json, random, readBody, s256 } from './http.ts'
import { forgeIdToken, HOSTILE_USER, makeKey, type Key, type Keys, type Signer } from './id-tokens.ts'
import { forgeLogoutToken } from './logout-tokens.ts'
import { nowSeconds } from '../../lib/clock.ts'

export interface HostileClient {
  readonly clientId: string
  readonly clientSecret: string
  readonly appBaseUrl: string
}

/** How a tenant differs from a plain, correct provider. */
export interface TenantShape {
  /** The issuer it names itself in discovery and tokens (Oracle IDCS: not its own URL). */
  readonly announcedIssuer?: string
  /** Google has no end_session_endpoint (and Cognito none in discovery). */
  readonly endSession?: boolean
  /** Entra ID's multi-tenant shape: announcedIssuer is a `{tenantid}` template, tokens carry `tid`, no RFC 9207 `iss`. */
  readonly tenantTemplate?: boolean
  /** One provider of several at its app (OIDC_PROVIDERS): the app's routes for it end in /<providerId>. */
  readonly providerId?: string
  /** Another provider of the same app, whose callback and issuer the mix-up defects borrow. */
  readonly mixUpTarget?: { readonly callback: string; readonly issuer: string }
  /** Discovery lists DPoP (ES256), yet every token it issues is a Bearer token: the downgrade an app must refuse. */
  readonly claimsDpop?: boolean
}

/** One issuer: its keys, its logins, and what it was asked. */
export class Tenant {
  readonly logins = new Map<
    string,
    LoginRecord & {
      nonce?: string
      challenge?: string
      redirectUri?: string
      sid?: string
      sub?: string
      lastLogoutToken?: string
    }
  >()
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
  private readonly keys: Keys
  private readonly announcedIssuer: string

  private readonly endSession: boolean
  private readonly tenantTemplate: boolean
  private readonly providerId: string | undefined
  private readonly mixUpTarget: TenantShape['mixUpTarget']
  private readonly claimsDpop: boolean
  /** What the app sent to Cognito's /logout, newest last. */
  readonly cognitoLogouts: Record<string, string>[] = []

  constructor(issuer: string, client: HostileClient, keys: Keys, shape: TenantShape = {}) {
    this.issuer = issuer
    this.client = client
    this.keys = keys
    this.announcedIssuer = shape.announcedIssuer ?? issuer
    this.endSession = shape.endSession ?? true
    this.tenantTemplate = shape.tenantTemplate ?? false
    this.providerId = shape.providerId
    this.mixUpTarget = shape.mixUpTarget
    this.claimsDpop = shape.claimsDpop ?? false
    this.publishedKeys = [keys.rsa1, keys.rsa2, keys.ec1]
  }

  /** How this tenant signs ID tokens; a rotation defect gets a new key, published or behind a JWKS fault. */
  private get signer(): Signer {
    return {
      issuer: this.announcedIssuer,
      clientId: this.client.clientId,
      tenantTemplate: this.tenantTemplate,
      keys: this.keys,
      rotatedKey: async (defect) => {
        const key = await makeKey(`rotated-${++this.rotations}`, 'RS256')
        if (defect === 'rotated-key') this.publishedKeys = [...this.publishedKeys, key]
        else this.jwksFault = defect as Defect
        return key
      },
    }
  }

  get redirectUri(): string {
    return `${this.client.appBaseUrl}/auth/callback${this.providerId ? `/${this.providerId}` : ''}`
  }

  login(
    state: string,
  ): LoginRecord & { nonce?: string; challenge?: string; sid?: string; sub?: string; lastLogoutToken?: string } {
    let record = this.logins.get(state)
    if (!record) {
      record = { defect: 'none', token: [], userinfo: [], refreshes: 0, api: [] }
      this.logins.set(state, record)
    }
    return record
  }

  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    url: URL,
    hung: Set<ServerResponse>,
  ): Promise<void> {
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

  private discovery(res: ServerResponse, hung: Set<ServerResponse>): void {
    this.counts.discovery++
    if (this.discoveryMode !== 'ok' && answerWithFault(res, this.discoveryMode, hung)) return
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
      ...(this.claimsDpop ? { dpop_signing_alg_values_supported: ['ES256'] } : {}),
    })
  }

  private jwks(res: ServerResponse, hung: Set<ServerResponse>): void {
    this.counts.jwks++
    const fault = this.jwksFault
    this.jwksFault = undefined
    if (fault && answerWithFault(res, fault.replace('jwks-', ''), hung)) return
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
    if ((defect === 'mix-up-callback' || defect === 'mix-up-iss') && this.mixUpTarget) {
      // Mix-up (RFC 9700 §4.4): the browser is sent on with this login's state and a code, in the
      // honest provider's name: to its callback, or to ours with its issuer as `iss`.
      const bounced = new URL(defect === 'mix-up-callback' ? this.mixUpTarget.callback : this.redirectUri)
      bounced.searchParams.set('code', code)
      bounced.searchParams.set('state', q.state)
      bounced.searchParams.set('iss', this.mixUpTarget.issuer)
      return this.redirect(res, bounced)
    }
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
      return params.get('client_id') === this.client.clientId &&
        params.get('client_secret') === this.client.clientSecret
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

  private issueTokens(
    state: string,
    withRefreshToken = true,
  ): { access_token: string; refresh_token?: string; token_type: string; expires_in: number; scope: string } {
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
    if (
      this.clientAuth(req, params) !== 'client_secret_basic' &&
      this.clientAuth(req, params) !== 'client_secret_post'
    ) {
      return json(res, 401, { error: 'invalid_client' })
    }
    if (!entry || entry.used)
      return json(res, 400, { error: 'invalid_grant', error_description: 'refresh token unknown or used' })
    const behaviour = this.quirks.get(entry.state)?.refresh ?? 'rotate'
    this.login(entry.state).refreshes++
    switch (behaviour) {
      case 'invalid-grant':
        return json(res, 400, { error: 'invalid_grant', error_description: 'the grant was revoked' })
      case 'invalid-request':
        return json(res, 400, { error: 'invalid_request', error_description: 'the proxy dropped a parameter' })
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
    if (refused)
      return json(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' })
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
      params: Object.fromEntries(
        [...params].map(([k, v]) => [k, k === 'code_verifier' || k === 'client_secret' ? '(redacted)' : v]),
      ),
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, k === 'authorization' ? '(redacted)' : String(v)]),
      ),
      outcome: 'issued',
    }
    record?.token.push(entry)

    if (clientAuth === 'invalid' || clientAuth === 'none') {
      entry.outcome = 'invalid_client'
      return json(res, 401, { error: 'invalid_client' })
    }
    if (!code || !record || code.used || !pkceValid || params.get('redirect_uri') !== this.redirectUri) {
      entry.outcome = 'invalid_grant'
      return json(res, 400, {
        error: 'invalid_grant',
        error_description: 'code unknown, used, or PKCE/redirect_uri mismatch',
      })
    }
    code.used = true
    if (record.defect.startsWith('token-')) {
      entry.outcome = 'fault'
      answerWithFault(res, record.defect.replace('token-', ''), hung)
      return
    }

    const idToken = await forgeIdToken(record, this.signer)
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
        : await forgeLogoutToken(
            {
              issuer: this.announcedIssuer,
              clientId: this.client.clientId,
              sub: record.sub ?? HOSTILE_USER.sub,
              sid: record.sid,
              key: this.keys.rsa1,
            },
            defect,
          )
    record.lastLogoutToken = token
    const response = await fetch(
      `${this.client.appBaseUrl}/auth/backchannel-logout${this.providerId ? `/${this.providerId}` : ''}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ logout_token: token }),
        redirect: 'manual',
      },
    )
    const text = await response.text()
    let body: unknown = text
    try {
      body = text ? JSON.parse(text) : null
    } catch {
      // not JSON: kept as text
    }
    return { status: response.status, body, cacheControl: response.headers.get('cache-control') }
  }

  private userinfo(req: IncomingMessage, res: ServerResponse, hung: Set<ServerResponse>): void {
    this.counts.userinfo++
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? ''
    const state = this.accessTokens.get(token)
    if (!state)
      return json(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' })
    const record = this.login(state)
    record.userinfo.push({ authorization: req.headers.authorization ? 'Bearer (redacted)' : undefined })
    if (record.defect.startsWith('userinfo-') && record.defect !== 'userinfo-sub-mismatch') {
      answerWithFault(res, record.defect.replace('userinfo-', ''), hung)
      return
    }
    json(res, 200, {
      sub: record.defect === 'userinfo-sub-mismatch' ? 'someone-else-entirely' : (record.sub ?? HOSTILE_USER.sub),
      name: HOSTILE_USER.name,
      email: HOSTILE_USER.email,
      email_verified: true,
      ...(record.defect === 'old-auth-time-fresh-userinfo' ? { auth_time: nowSeconds(), acr: 'urn:hostile:mfa' } : {}),
    })
  }

  /** Amazon Cognito's hosted-UI /logout: client_id and logout_uri, nothing standard. */
  private cognitoLogout(res: ServerResponse, url: URL): void {
    this.cognitoLogouts.push(Object.fromEntries(url.searchParams))
    const target = url.searchParams.get('logout_uri')
    if (url.searchParams.get('client_id') === this.client.clientId && target === `${this.client.appBaseUrl}/`)
      return this.redirect(res, new URL(target))
    json(res, 400, {
      error: 'invalid_request',
      error_description: 'Cognito needs client_id and a registered logout_uri',
    })
  }

  private logout(res: ServerResponse, url: URL): void {
    const target = url.searchParams.get('post_logout_redirect_uri')
    if (target === `${this.client.appBaseUrl}/`) return this.redirect(res, new URL(target))
    json(res, 200, { signed_out: true })
  }
}
