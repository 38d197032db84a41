/**
 * The session: what a signed-in user carries in one sealed cookie.
 *
 * Sealing and unsealing use iron-session's `sealData` / `unsealData` (Web Crypto
 * underneath), so this module runs in Edge middleware as well as in Node route
 * handlers and server components. It must not import Node APIs or the OIDC client.
 */
import type { SessionConfig } from './config'
import { MAX_SEAL_LENGTH, open, seal } from './seal'

/** JSON values as they come out of an ID token or a userinfo response. */
export type Claim = string | number | boolean | null | Claim[] | { [key: string]: Claim }

/** The user as the provider described them: `sub` always, everything else as released. */
export type UserClaims = { readonly sub: string } & Readonly<Record<string, Claim>>

export interface Session {
  /** Shape version, so a cookie from an older release is recognised and refused cleanly. */
  readonly v: 1
  readonly user: UserClaims
  /** Kept for RP-initiated logout (`id_token_hint`). Never sent to the browser in readable form. */
  readonly idToken: string
  readonly accessToken?: string
  /** Epoch seconds. */
  readonly accessTokenExpiresAt?: number
  readonly refreshToken?: string
  /** Scopes the provider granted, when it said so. */
  readonly scope?: string
  /** Epoch seconds when the user signed in. */
  readonly createdAt: number
  /** Epoch seconds after which the session is over, whatever the cookie says. */
  readonly expiresAt: number
}

/** Browsers drop a cookie over 4096 bytes (name, value and attributes); we refuse before that. */
export const MAX_COOKIE_BYTES = MAX_SEAL_LENGTH

export class SessionTooLargeError extends Error {
  readonly bytes: number

  constructor(bytes: number) {
    super(`The session cookie would be ${bytes} bytes, over the ${MAX_COOKIE_BYTES}-byte limit browsers enforce.`)
    this.name = 'SessionTooLargeError'
    this.bytes = bytes
  }
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isOptional(value: unknown, type: 'string' | 'number'): boolean {
  return value === undefined || typeof value === type
}

/**
 * A sealed cookie is authentic, but it may come from an older release with another
 * shape. Anything that does not match exactly is treated as no session.
 */
export function isSession(value: unknown): value is Session {
  if (!isRecord(value) || value.v !== 1) return false
  const { user } = value
  return (
    isRecord(user) &&
    typeof user.sub === 'string' &&
    user.sub.length > 0 &&
    typeof value.idToken === 'string' &&
    typeof value.createdAt === 'number' &&
    typeof value.expiresAt === 'number' &&
    isOptional(value.accessToken, 'string') &&
    isOptional(value.accessTokenExpiresAt, 'number') &&
    isOptional(value.refreshToken, 'string') &&
    isOptional(value.scope, 'string')
  )
}

export function isExpired(session: Session, now = nowSeconds()): boolean {
  return session.expiresAt <= now
}

/** Cookie attributes for the session cookie; `maxAge` follows the session's own expiry. */
export function sessionCookieOptions(config: SessionConfig, maxAge: number) {
  return {
    httpOnly: true,
    secure: config.secureCookies,
    sameSite: 'lax' as const,
    path: '/',
    maxAge: Math.max(0, maxAge),
  }
}

export async function sealSession(session: Session, config: SessionConfig): Promise<string> {
  const sealed = await seal(session, config.secrets, session.expiresAt - nowSeconds())
  // name=value plus the attributes a browser counts: "; Path=/; Max-Age=28800; HttpOnly; Secure; SameSite=Lax".
  const bytes = config.sessionCookieName.length + 1 + sealed.length + 64
  if (bytes > MAX_COOKIE_BYTES) throw new SessionTooLargeError(bytes)
  return sealed
}

function isCurrentSession(value: unknown): value is Session {
  return isSession(value) && !isExpired(value)
}

/**
 * Opens a session cookie. A missing, tampered, foreign (sealed with a secret we
 * do not hold), malformed or expired cookie all read as "no session": the caller
 * never has to tell them apart, and none of them is an error the user sees.
 * `stale` says an older secret opened it, so it should be sealed again.
 */
export async function openSession(
  cookieValue: string | undefined,
  config: SessionConfig,
): Promise<{ session: Session; stale: boolean } | null> {
  const opened = await open(cookieValue, config.secrets, config.sessionLifetime, isCurrentSession)
  return opened ? { session: opened.data, stale: opened.stale } : null
}

/** The session in a cookie, or null. */
export async function unsealSession(cookieValue: string | undefined, config: SessionConfig): Promise<Session | null> {
  return (await openSession(cookieValue, config))?.session ?? null
}
