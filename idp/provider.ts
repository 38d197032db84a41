/**
 * The embedded local OpenID provider: oidc-provider (OpenID Certified) with one
 * registered client (this app), the demo users, and login, consent and logout
 * pages a person can use. It listens on loopback only.
 *
 * This is a development and test fixture, not a production identity provider:
 * its signing key and cookie keys are generated at every start, and its state
 * lives in memory.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { createLocalJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose'
import Provider, { type ClientMetadata, type Configuration, type KoaContextWithOIDC } from 'oidc-provider'
import { isLoopbackHost } from '../lib/config.ts'
import { findUserByCredentials, findUserBySub, findUserByUsername } from './users.ts'
import { avatarSvg, consentPage, errorPage, loggedOutPage, loginPage, logoutPage } from './views.ts'

export interface LocalIdpOptions {
  /** 0 picks a free port. */
  readonly port: number
  readonly host?: string
  readonly appBaseUrl: string
  readonly clientId: string
  readonly clientSecret: string
  /** Access token lifetime in seconds (default 300): short, so refreshing is part of every demo. */
  readonly accessTokenTtl?: number
  /**
   * Oracle IDCS-sized tokens: about 3 KB of extra claims (the user's groups) in
   * both the ID token and the access token, which is then a JWT, as IDCS issues
   * them (~4.5 KB each). As with IDCS, the profile comes in the ID token; there
   * is no userinfo endpoint in this mode (oidc-provider serves userinfo only to
   * access tokens without an audience).
   */
  readonly bigTokens?: boolean
  /** More clients (oidc-provider client metadata), e.g. ones that use private_key_jwt, PAR or JAR. */
  readonly extraClients?: readonly ClientMetadata[]
  /** Serve https with this key and certificate (PEM), e.g. from a private certificate authority. */
  readonly tls?: { readonly key: string; readonly cert: string }
  /** Require pushed authorization requests from every client (and say so in discovery). */
  readonly requirePar?: boolean
  /** Sees every request before it is answered (the benchmark counts what the app asks for). */
  readonly onRequest?: (req: IncomingMessage) => void
}

export interface LocalIdp {
  readonly issuer: string
  /** The protected demo API: GET with the access token as a Bearer token. */
  readonly apiEndpoint: string
  readonly close: () => Promise<void>
}

const CLIENT_NAME = 'OIDC Login for Next.js'
const MAX_FORM_BYTES = 16 * 1024
/** What a password login is worth, stated in the ID token's `acr`. */
export const PASSWORD_ACR = 'urn:local:password'
/**
 * About 3 KB of groups, each with a random id as real directories give them
 * (so they compress no better than real ones): with the other claims and the
 * signature, tokens of ~4.5 KB.
 */
const BIG_GROUPS = Array.from({ length: 48 }, (_, i) => ({ id: randomBytes(16).toString('hex'), name: `app-role-${String(i).padStart(3, '0')}` }))

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return { ...privateKey.export({ format: 'jwk' }), kid: `local-${randomBytes(6).toString('hex')}`, alg: 'RS256', use: 'sig' }
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = ''
  for await (const chunk of req) {
    body += String(chunk)
    if (body.length > MAX_FORM_BYTES) throw new Error('form too large')
  }
  return new URLSearchParams(body)
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' })
  res.end(body)
}

/** The provider's own icon (teal, where the app's is indigo), so its pages log no 404. */
const FAVICON = readFileSync(new URL('./favicon.ico', import.meta.url))

function configuration(issuer: string, options: LocalIdpOptions, key: ReturnType<typeof signingKey>): Configuration {
  const appBase = options.appBaseUrl.replace(/\/$/, '')
  return {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        client_name: CLIENT_NAME,
        redirect_uris: [`${appBase}/auth/callback`],
        post_logout_redirect_uris: [`${appBase}/`],
        // Signing out here (or ending the session here) tells the app, server to server, with the session's `sid`.
        backchannel_logout_uri: `${appBase}/auth/backchannel-logout`,
        backchannel_logout_session_required: true,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        // Every ID token says when the user signed in, so a sensitive page can tell a fresh sign-in from an old one.
        require_auth_time: true,
      },
      ...(options.extraClients ?? []).map((client) => ({ require_auth_time: true, ...client })),
    ],
    claims: {
      openid: ['sub'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username', 'picture', 'locale', 'zoneinfo', 'updated_at', 'groups'],
      email: ['email', 'email_verified'],
    },
    acrValues: [PASSWORD_ACR],
    // Refresh tokens for this app whatever the scope (as Keycloak, Okta and IDCS do for web apps),
    // rotated on every use, so a refresh token used twice is caught.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: () => true,
    ...(options.bigTokens
      ? {
          // In big-token mode the ID token carries the profile itself, as IDCS does,
          conformIdTokenClaims: false,
          // and so does the access token (a JWT for the demo API; see resourceIndicators).
          extraTokenClaims: async () => ({ groups: BIG_GROUPS }),
        }
      : {}),
    async findAccount(_ctx, sub) {
      const user = findUserBySub(sub)
      if (!user) return undefined
      return {
        accountId: user.sub,
        async claims() {
          return {
            sub: user.sub,
            ...user.claims,
            picture: `${issuer}/avatars/${user.username}.svg`,
            ...(options.bigTokens ? { groups: BIG_GROUPS } : {}),
          }
        },
      }
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // Every client must use PKCE here, so the suite proves the app always sends it.
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      backchannelLogout: { enabled: true },
      userinfo: { enabled: !options.bigTokens },
      resourceIndicators: options.bigTokens
        ? {
            enabled: true,
            defaultResource: () => apiEndpoint(issuer),
            useGrantedResource: () => true,
            getResourceServerInfo: () => ({
              scope: 'openid profile email',
              audience: apiEndpoint(issuer),
              accessTokenFormat: 'jwt',
              accessTokenTTL: options.accessTokenTtl ?? 300,
              jwt: { sign: { alg: 'RS256' } },
            }),
          }
        : { enabled: false },
      introspection: { enabled: true },
      requestObjects: { enabled: true },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: options.requirePar ?? false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
          ctx.body = logoutPage(form, ctx.oidc.client?.clientName)
        },
        postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => {
          ctx.body = loggedOutPage()
        },
      },
    },
    jwks: { keys: [key] },
    // oidc-provider refuses to call special-use addresses (SSRF protection), loopback among them;
    // this provider's relying parties (the app, for back-channel logout) live on loopback, and only there is that lifted.
    fetch: (url, init) => {
      const { dispatcher: _ssrfGuard, ...rest } = init as RequestInit & { dispatcher?: unknown }
      return globalThis.fetch(url, isLoopbackHost(new URL(url instanceof Request ? url.url : url).hostname) ? rest : init)
    },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    ttl: {
      AccessToken: options.accessTokenTtl ?? 300,
      IdToken: 3600,
      RefreshToken: 24 * 3600,
      Interaction: 600,
      Session: 8 * 3600,
      Grant: 24 * 3600,
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html'
      ctx.body = errorPage(out)
    },
  }
}

/** Handles the login and consent pages that oidc-provider hands interactions to. */
async function handleInteraction(provider: Provider, req: IncomingMessage, res: ServerResponse, path: string[]): Promise<void> {
  const [, uid, action] = path
  const details = await provider.interactionDetails(req, res)
  if (details.uid !== uid) return send(res, 400, 'text/html', errorPage({ error: 'interaction mismatch' }))
  const clientName = CLIENT_NAME

  if (req.method === 'GET' && !action) {
    if (details.prompt.name === 'login') {
      // A login asked for again (prompt=login, or max_age passed) while signed in here: a step-up. Say so, and fill in who.
      const reasons = details.prompt.reasons
      const stepUp = Boolean(details.session) && (reasons.includes('login_prompt') || reasons.includes('max_age'))
      const hint = typeof details.params.login_hint === 'string' ? details.params.login_hint : ''
      return send(res, 200, 'text/html; charset=utf-8', loginPage(details.uid, clientName, undefined, hint, stepUp))
    }
    const scopes = String(details.params.scope ?? 'openid').split(' ')
    return send(res, 200, 'text/html; charset=utf-8', consentPage(details.uid, clientName, scopes))
  }
  if (req.method !== 'POST') return send(res, 405, 'text/plain', 'method not allowed')

  if (action === 'login') {
    const form = await readForm(req)
    const username = form.get('username') ?? ''
    const user = findUserByCredentials(username, form.get('password') ?? '')
    if (!user) {
      return send(res, 401, 'text/html; charset=utf-8', loginPage(details.uid, clientName, 'Wrong username or password.', username))
    }
    return provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.sub, acr: PASSWORD_ACR, amr: ['pwd'] } },
      { mergeWithLastSubmission: false },
    )
  }

  if (action === 'confirm') {
    const { prompt, params, session, grantId } = details
    if (prompt.name !== 'consent' || !session) return send(res, 400, 'text/html', errorPage({ error: 'nothing to confirm' }))
    const grant = grantId
      ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: String(params.client_id) })
    if (!grant) return send(res, 400, 'text/html', errorPage({ error: 'grant not found' }))
    const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] }
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '))
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims)
    for (const [indicator, scopes] of Object.entries((prompt.details as { missingResourceScopes?: Record<string, string[]> }).missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '))
    }
    const savedGrantId = await grant.save()
    return provider.interactionFinished(req, res, { consent: { grantId: savedGrantId } }, { mergeWithLastSubmission: true })
  }

  if (action === 'abort') {
    return provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'The user declined to share their profile with the app.' },
      { mergeWithLastSubmission: false },
    )
  }
  return send(res, 404, 'text/plain', 'not found')
}

/**
 * The protected demo API: it checks the Bearer token with the provider's own
 * token store, as a resource server using introspection would.
 */
function apiEndpoint(issuer: string): string {
  return `${issuer}/demo-api/whoami`
}

/** What the demo API needs of an access token, opaque (looked up) or a JWT (big-token mode: verified). */
interface ApiToken {
  readonly accountId: string
  readonly clientId?: string | undefined
  readonly scope?: string | undefined
  readonly exp?: number | undefined
}

async function findApiToken(provider: Provider, keys: JWTVerifyGetKey, value: string): Promise<ApiToken | undefined> {
  if (value.split('.').length === 3) {
    try {
      const { payload } = await jwtVerify(value, keys, { issuer: provider.issuer, audience: apiEndpoint(provider.issuer) })
      return { accountId: String(payload.sub), clientId: String(payload.client_id), scope: payload.scope as string | undefined, exp: payload.exp }
    } catch {
      return undefined
    }
  }
  const token = await provider.AccessToken.find(value)
  return token && !token.isExpired ? token : undefined
}

async function handleDemoApi(provider: Provider, keys: JWTVerifyGetKey, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const value = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1]
  const token = value ? await findApiToken(provider, keys, value) : undefined
  if (!token) {
    res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer error="invalid_token"', 'cache-control': 'no-store' })
    res.end(JSON.stringify({ error: 'invalid_token', error_description: value ? 'The access token is unknown, revoked or expired.' : 'No access token.' }))
    return
  }
  send(
    res,
    200,
    'application/json',
    JSON.stringify({
      message: 'Hello from the demo API: your access token is valid.',
      sub: token.accountId,
      client_id: token.clientId,
      scope: token.scope,
      expires_at: new Date((token.exp ?? 0) * 1000).toISOString(),
    }),
  )
}

function handleAvatar(res: ServerResponse, url: URL): void {
  const user = findUserByUsername(url.pathname.split('/')[2]?.replace(/\.svg$/, '') ?? '')
  if (!user) return send(res, 404, 'text/plain', 'no such avatar')
  const initials = `${String(user.claims.given_name)[0]}${String(user.claims.family_name)[0]}`
  res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=3600' })
  res.end(avatarSvg(initials, user.colour))
}

/** Starts the provider; resolves once it accepts connections. */
export async function startLocalIdp(options: LocalIdpOptions): Promise<LocalIdp> {
  const host = options.host ?? '127.0.0.1'
  // The issuer must be known before the port is; with port 0 we bind first, then build the provider.
  const server: Server = options.tls ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }) : createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const issuer = `${options.tls ? 'https' : 'http'}://${host}:${port}`
  const key = signingKey()
  const provider = new Provider(issuer, configuration(issuer, options, key))
  // The demo API verifies JWT access tokens (big-token mode) with the provider's own public key.
  const apiKeys = createLocalJWKSet({ keys: [{ kty: key.kty, n: key.n, e: key.e, kid: key.kid, alg: key.alg, use: key.use }] })
  const oidc = provider.callback()
  provider.on('backchannel.error', (_ctx, error, client) => {
    console.warn(`Back-channel logout to ${String(client.backchannelLogoutUri)} failed: ${error instanceof Error ? error.message : String(error)}`)
  })

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    options.onRequest?.(req)
    const url = new URL(req.url ?? '/', issuer)
    const path = url.pathname.split('/').filter(Boolean)
    if (path[0] === 'interaction') {
      handleInteraction(provider, req, res, path).catch((error: unknown) => {
        if (!res.headersSent) send(res, 400, 'text/html; charset=utf-8', errorPage({ error: error instanceof Error ? error.message : String(error) }))
      })
      return
    }
    if (path[0] === 'avatars' && req.method === 'GET') return handleAvatar(res, url)
    if (url.pathname === '/favicon.ico' && req.method === 'GET') return send(res, 200, 'image/x-icon', FAVICON)
    if (url.pathname === '/demo-api/whoami' && req.method === 'GET') {
      handleDemoApi(provider, apiKeys, req, res).catch(() => send(res, 500, 'application/json', '{"error":"server_error"}'))
      return
    }
    oidc(req, res)
  })

  return {
    issuer,
    apiEndpoint: apiEndpoint(issuer),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
