/**
 * The session: what a signed-in user carries in sealed cookies.
 *
 * Sealing and unsealing use iron-session (Web Crypto underneath), so this module
 * runs in Edge middleware as well as in Node route handlers and server
 * components. It must not import Node APIs or the OIDC client.
 */
import type { SessionConfig } from './config'
import { open, seal } from './seal'
import { base64UrlEncode, compress, decompress } from './session-codec'

/** JSON values as they come out of an ID token or a userinfo response. */
export type Claim = string | number | boolean | null | Claim[] | { [key: string]: Claim }

/** The user as the provider described them: `sub` always, everything else as released. */
export type UserClaims = { readonly sub: string } & Readonly<Record<string, Claim>>

export interface Session {
  /** Shape version, so a cookie from an older release is recognised and refused cleanly. */
  readonly v: 1
  /**
   * A random id given at sign-in, sealed with the rest: how the session store
   * names this session, so that signing out, the provider's back-channel logout
   * and "sign out everywhere" can end it wherever a copy of the cookie turns up.
   */
  readonly id: string
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
  /** Epoch seconds when the user signed in. */
  readonly createdAt: number
  /** Epoch seconds after which the session is over, whatever else happens (absolute timeout). */
  readonly expiresAt: number
  /** Epoch seconds of the last request to a private route (idle timeout). */
  readonly lastSeenAt: number
}

export class SessionTooLargeError extends Error {
  readonly bytes: number

  constructor(bytes: number) {
    super(`The session would take ${bytes} bytes of cookies, more than a browser and Node's default header limit allow.`)
    this.name = 'SessionTooLargeError'
    this.bytes = bytes
  }
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000)
}

/** 128 random bits, base64url: 22 characters. */
const SESSION_ID = /^[A-Za-z0-9_-]{22}$/

export function newSessionId(): string {
  return base64UrlEncode(crypto.getRandomValues(new Uint8Array(16)))
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
  return (
    // A session from before sessions had ids cannot be ended by the store: it reads as signed out.
    typeof value.id === 'string' &&
    SESSION_ID.test(value.id) &&
    typeof value.idToken === 'string' &&
    value.idToken.split('.').length === 3 &&
    isRecord(value.claims) &&
    typeof value.createdAt === 'number' &&
    typeof value.expiresAt === 'number' &&
    typeof value.lastSeenAt === 'number' &&
    isOptional(value.accessToken, 'string') &&
    isOptional(value.accessTokenExpiresAt, 'number') &&
    isOptional(value.refreshToken, 'string') &&
    isOptional(value.refreshAt, 'number') &&
    isOptional(value.scope, 'string')
  )
}

/** When the session ends if nothing else happens: the absolute limit, or the idle one. */
export function sessionEndsAt(session: Session, config: SessionConfig): number {
  return Math.min(session.expiresAt, session.lastSeenAt + config.idleTimeout)
}

export function isExpired(session: Session, config: SessionConfig, now = nowSeconds()): boolean {
  return sessionEndsAt(session, config) <= now
}

/**
 * How often activity moves the idle clock (a cookie write each time): a quarter
 * of the idle timeout, at most a minute. With the shortest timeout accepted
 * (60 s) that is every 15 s, so a user active more often than every 45 s is
 * never signed out for idleness; a fixed minute signed them out at 60 s.
 */
export function touchInterval(config: SessionConfig): number {
  return Math.min(60, Math.floor(config.idleTimeout / 4))
}

/** True when this request should record the user's activity (see touchInterval). */
export function touchDue(session: Session, config: SessionConfig, now = nowSeconds()): boolean {
  return now - session.lastSeenAt >= touchInterval(config)
}

/** True when the access token should be refreshed before this request goes on. */
export function needsRefresh(session: Session, now = nowSeconds()): boolean {
  return session.refreshToken !== undefined && session.refreshAt !== undefined && session.refreshAt <= now
}

/**
 * When to refresh an access token that lives `lifetime` seconds: a minute before
 * it expires, or a quarter of its life for short-lived tokens, so a refreshed
 * token is never already due.
 */
export function refreshTime(expiresAt: number, lifetime: number): number {
  return expiresAt - Math.min(60, Math.floor(lifetime / 4))
}

function base64UrlJson(segment: string): unknown {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/')
  const binary = atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '='))
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))))
}

/** The ID token's header and claims, decoded (it was validated at login; nothing here is re-verified). */
export function decodeIdToken(idToken: string): { header: Record<string, Claim>; claims: Record<string, Claim> } {
  const [header = '', payload = ''] = idToken.split('.')
  return { header: base64UrlJson(header) as Record<string, Claim>, claims: base64UrlJson(payload) as Record<string, Claim> }
}

/** Claims that describe the token rather than the user: not shown as the user's. */
export const PROTOCOL_CLAIMS = new Set(['iss', 'aud', 'exp', 'iat', 'nbf', 'nonce', 'at_hash', 'c_hash', 's_hash', 'azp', 'jti', 'sid'])

/** The user: the ID token's claims about them, plus what userinfo added. */
export function sessionUser(session: Session): UserClaims {
  const user: Record<string, Claim> = {}
  for (const [name, value] of Object.entries(decodeIdToken(session.idToken).claims)) {
    if (!PROTOCOL_CLAIMS.has(name)) user[name] = value
  }
  return { ...user, ...session.claims } as UserClaims
}

/**
 * How and when the user last authenticated, from the validated ID token alone
 * (OIDC Core §2: `auth_time`, `acr`): userinfo may carry claims of the same
 * name, but it is not where a provider vouches for an authentication, so a
 * step-up decision never reads the merged claims.
 */
export function authentication(session: Session): { authTime?: number; acr?: string } {
  const { auth_time: authTime, acr } = decodeIdToken(session.idToken).claims
  return { ...(typeof authTime === 'number' ? { authTime } : {}), ...(typeof acr === 'string' ? { acr } : {}) }
}

/** Cookie attributes for session cookies; `maxAge` follows the session's own end. */
export function sessionCookieOptions(config: SessionConfig, maxAge: number) {
  return {
    httpOnly: true,
    secure: config.secureCookies,
    sameSite: 'lax' as const,
    path: '/',
    maxAge: Math.max(0, maxAge),
  }
}

/** At most this many bytes of sealed session: three cookies, well under Node's 16 KiB request-header limit. */
export const MAX_SEALED_SESSION = 3 * 3900

/** The fields that hold tokens: stored in their compact form (lib/session-codec.ts). */
const TOKEN_FIELDS = ['idToken', 'accessToken', 'refreshToken'] as const

/**
 * What is sealed: `{ z }`, the session compressed (lib/session-codec.ts). A
 * session sealed whole by an earlier release still opens (and is sealed again
 * in the compact form at the next touch).
 */
type Sealed = { readonly z: string } | Session

function isSealed(value: unknown): value is Sealed {
  return (isRecord(value) && typeof value.z === 'string' && Object.keys(value).length === 1) || isSession(value)
}

export async function sealSession(session: Session, config: SessionConfig): Promise<string> {
  const z = compress({ ...session }, TOKEN_FIELDS)
  const sealed = await seal({ z }, config.secrets, session.expiresAt - nowSeconds())
  if (sealed.length > MAX_SEALED_SESSION) throw new SessionTooLargeError(sealed.length)
  return sealed
}

/**
 * Opens a session. A missing, tampered, foreign (sealed with a secret we do not
 * hold), malformed, expired or idle cookie all read as "no session": the caller
 * never has to tell them apart, and none of them is an error the user sees.
 * `stale` says it should be sealed again: an older secret opened it, or it is in
 * an earlier release's form.
 */
export async function openSession(
  sealed: string | undefined,
  config: SessionConfig,
): Promise<{ session: Session; stale: boolean } | null> {
  if (!sealed) return null
  const opened = recentlyOpened(config).get(sealed) ?? (await openSealed(sealed, config))
  // The clock moves on while a session is remembered: its timeouts are checked on every request.
  if (!opened || isExpired(opened.session, config)) return null
  return opened
}

interface Opened {
  readonly session: Session
  readonly stale: boolean
}

async function openSealed(sealed: string, config: SessionConfig): Promise<Opened | undefined> {
  const opened = await open(sealed, config.secrets, config.absoluteTimeout, isSealed, MAX_SEALED_SESSION)
  if (!opened) return undefined
  const { data } = opened
  const session = 'z' in data ? decompress(data.z, TOKEN_FIELDS) : data
  if (!isSession(session)) return undefined
  const result = { session, stale: opened.stale || !('z' in data) }
  remember(config, sealed, result)
  return result
}

/**
 * Sessions opened lately, by their exact sealed value, per configuration.
 * Opening costs two key derivations, an HMAC and a decryption (~0.7 ms), and a
 * private page asks twice (middleware, then the page) on every request of a
 * user who holds the same cookie for a minute at a time: remembering makes the
 * second and later asks a lookup (issue 6). Only values that opened go in, so
 * forged ones cannot crowd it; it holds at most OPENED_REMEMBERED, dropping the
 * earliest opened. The seal is deterministic: the same value with the same
 * secrets always opens to the same session.
 */
const OPENED_REMEMBERED = 512
const remembered = new WeakMap<SessionConfig, Map<string, Opened>>()

function recentlyOpened(config: SessionConfig): Map<string, Opened> {
  let map = remembered.get(config)
  if (!map) remembered.set(config, (map = new Map()))
  return map
}

function remember(config: SessionConfig, sealed: string, opened: Opened): void {
  const map = recentlyOpened(config)
  map.delete(sealed)
  map.set(sealed, opened)
  if (map.size > OPENED_REMEMBERED) map.delete(map.keys().next().value!)
}

/** The session in a sealed value, or null. */
export async function unsealSession(sealed: string | undefined, config: SessionConfig): Promise<Session | null> {
  return (await openSession(sealed, config))?.session ?? null
}
