/**
 * The local provider's configuration: oidc-provider settings for this app's
 * client (and any extra ones), the demo users' claims, the logout pages, and
 * the options a start takes.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { ClientMetadata, Configuration, KoaContextWithOIDC } from 'oidc-provider'
import { isLoopbackHost } from '../lib/config/env.ts'
import { resourceServerInfo, TOKEN_EXCHANGE, type LocalResourceServer } from './resources.ts'
import { findUserBySub } from './users.ts'
import { errorPage, loggedOutPage, logoutPage } from './views.ts'

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
  /**
   * The app's id for this provider when it is one of several (OIDC_PROVIDERS):
   * its redirect and back-channel URIs are then /auth/callback/<id> and
   * /auth/backchannel-logout/<id>. Unset: the default provider's.
   */
  readonly providerId?: string
  /** Tests: count requests by method and path, and answer them at GET /_requests (JSON); why token requests failed at GET /_grant-errors. */
  readonly countRequests?: boolean
  /** Sees every request before it is answered (the benchmark counts what the app asks for). */
  readonly onRequest?: (req: IncomingMessage) => void
  /**
   * Resource servers (RFC 8707) whose tokens are JWTs with their indicator as
   * `aud`, and token exchange (RFC 8693) for them: for apps that call several APIs.
   */
  readonly resourceServers?: readonly LocalResourceServer[]
  /** DPoP (RFC 9449): `on` (oidc-provider's default), `nonce` (every proof must carry a nonce it issued), `off` (not offered in discovery). */
  readonly dpop?: 'on' | 'nonce' | 'off'
}

export const CLIENT_NAME = 'OIDC Login for Next.js'
/** What a password login is worth, stated in the ID token's `acr`. */
export const PASSWORD_ACR = 'urn:local:password'
/**
 * About 3 KB of groups, each with a random id as real directories give them
 * (so they compress no better than real ones): with the other claims and the
 * signature, tokens of ~4.5 KB.
 */
const BIG_GROUPS = Array.from({ length: 48 }, (_, i) => ({
  id: randomBytes(16).toString('hex'),
  name: `app-role-${String(i).padStart(3, '0')}`,
}))

/** The protected demo API (idp/demo-api.ts): it checks the Bearer token with the provider's own token store, as a resource server using introspection would. */
export function apiEndpoint(issuer: string): string {
  return `${issuer}/demo-api/whoami`
}

export function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return {
    ...privateKey.export({ format: 'jwk' }),
    kid: `local-${randomBytes(6).toString('hex')}`,
    alg: 'RS256',
    use: 'sig',
  }
}

export function configuration(
  issuer: string,
  options: LocalIdpOptions,
  key: ReturnType<typeof signingKey>,
): Configuration {
  const appBase = options.appBaseUrl.replace(/\/$/, '')
  const suffix = options.providerId && options.providerId !== 'default' ? `/${options.providerId}` : ''
  return {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        client_name: CLIENT_NAME,
        redirect_uris: [`${appBase}/auth/callback${suffix}`],
        post_logout_redirect_uris: [`${appBase}/`],
        // Signing out here (or ending the session here) tells the app, server to server, with the session's `sid`.
        backchannel_logout_uri: `${appBase}/auth/backchannel-logout${suffix}`,
        backchannel_logout_session_required: true,
        grant_types: [
          'authorization_code',
          'refresh_token',
          ...(options.resourceServers?.length ? [TOKEN_EXCHANGE] : []),
        ],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        // Every ID token says when the user signed in, so a sensitive page can tell a fresh sign-in from an old one.
        require_auth_time: true,
      },
      ...(options.extraClients ?? []).map((client) => ({ require_auth_time: true, ...client })),
    ],
    claims: {
      openid: ['sub'],
      profile: [
        'name',
        'given_name',
        'family_name',
        'preferred_username',
        'picture',
        'locale',
        'zoneinfo',
        'updated_at',
        'groups',
      ],
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
        : options.resourceServers?.length
          ? {
              enabled: true,
              // No resource asked for: the sign-in's own token, for userinfo (opaque). Each API names its own.
              defaultResource: () => undefined,
              useGrantedResource: () => false,
              getResourceServerInfo: (_ctx, indicator) =>
                resourceServerInfo(options.resourceServers!, indicator, options.accessTokenTtl ?? 300),
            }
          : { enabled: false },
      dPoP:
        options.dpop === 'off'
          ? { enabled: false }
          : {
              enabled: true,
              ...(options.dpop === 'nonce' ? { nonceSecret: randomBytes(32), requireNonce: () => true } : {}),
            },
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
      return globalThis.fetch(
        url,
        isLoopbackHost(new URL(url instanceof Request ? url.url : url).hostname) ? rest : init,
      )
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
