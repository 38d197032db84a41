/**
 * What a login or a refresh yields: the tokens, the claims userinfo added,
 * and when to refresh. The session (lib/session/) is built from one of these;
 * nothing here knows of cookies.
 */
import { nowSeconds } from '../clock'
import type * as oauth from 'oauth4webapi'
import type { Claim } from '../jwt'

export type { Claim }

/**
 * The session's DPoP key (RFC 9449): an EC P-256 private key as a JWK, made
 * for this session at /auth/login, sealed into the login's transaction and
 * then the session, and gone with the cookie. Every token of the session is
 * bound to it.
 */
export interface DpopKey {
  readonly kty: 'EC'
  readonly crv: 'P-256'
  readonly x: string
  readonly y: string
  readonly d: string
}

export interface TokenSet {
  /** Kept for RP-initiated logout (`id_token_hint`) and as the source of the user's claims. */
  readonly idToken: string
  /** Userinfo claims the ID token does not already carry (never stored twice: cookies are small). */
  readonly claims: Readonly<Record<string, Claim>>
  readonly accessToken?: string
  /** Epoch seconds. */
  readonly accessTokenExpiresAt?: number
  readonly refreshToken?: string
  /** Epoch seconds from which the access token is refreshed: a margin before it expires. */
  readonly refreshAt?: number
  /** Scopes the provider granted, when it said so. */
  readonly scope?: string
}

/**
 * When to refresh an access token that lives `lifetime` seconds: a minute before
 * it expires, or a quarter of its life for short-lived tokens, so a refreshed
 * token is never already due.
 */
function refreshTime(expiresAt: number, lifetime: number): number {
  return expiresAt - Math.min(60, Math.floor(lifetime / 4))
}

/**
 * The token set of a validated token response. `previous`, on a refresh: a
 * provider that does not rotate refresh tokens sends none back, so the one we
 * have is kept, and so is the granted scope when the answer omits it (RFC 6749 §5.1).
 */
export function tokenSetFrom(
  tokens: oauth.TokenEndpointResponse,
  idToken: string,
  claims: Readonly<Record<string, Claim>>,
  previous?: TokenSet,
): TokenSet {
  const now = nowSeconds()
  const expiresAt = tokens.expires_in !== undefined ? now + tokens.expires_in : undefined
  const refreshToken = tokens.refresh_token ?? previous?.refreshToken
  const scope = tokens.scope ?? previous?.scope
  return {
    idToken,
    claims,
    accessToken: tokens.access_token,
    ...(expiresAt !== undefined ? { accessTokenExpiresAt: expiresAt } : {}),
    ...(refreshToken !== undefined ? { refreshToken } : {}),
    ...(refreshToken !== undefined && expiresAt !== undefined
      ? { refreshAt: refreshTime(expiresAt, tokens.expires_in!) }
      : {}),
    ...(scope !== undefined ? { scope } : {}),
  }
}
