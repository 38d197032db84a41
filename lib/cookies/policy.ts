/**
 * Every cookie the app sets, in one table: what it is called, how it is
 * written, and why. The stores that write them (the session's cookies, the
 * login transactions, the logout state) take their names and attributes here,
 * and so do middleware and next.config.ts, which must recognise them.
 *
 * | cookie       | name on http / on https                        | Path           | Max-Age                    |
 * | ------------ | ---------------------------------------------- | -------------- | -------------------------- |
 * | session      | `session` / `__Host-session` (or `.0` … `.2`)  | /              | the session's absolute end |
 * | transaction  | `txn.<state>` / `__Host-txn.<state>`           | /auth, https / | 10 minutes                 |
 * | logout state | `logout-state` / `__Host-logout-state`         | /              | 10 minutes                 |
 *
 * All of them HttpOnly (no script of the page needs them) and SameSite=Lax
 * (not Strict: the provider sends the browser back with a cross-site top-level
 * GET, which must carry them). On https, Secure and the `__Host-` prefix: the
 * browser then refuses the cookie unless it is Secure, host-only and Path=/, so
 * a sibling subdomain cannot plant or shadow it (cookie tossing; for the
 * transaction, login CSRF, RFC 9700 §4.4.1). On plain http (loopback
 * development) no prefix is possible, and the transaction keeps to /auth.
 *
 * Plain data and string work: safe in middleware, next.config.ts and the browser alike.
 */

/** What a cookie's attributes depend on: whether the app is served over https. */
export interface CookieSite {
  readonly secureCookies: boolean
}

/** The attributes every cookie of ours is written with. */
export interface CookieOptions {
  readonly httpOnly: boolean
  readonly secure: boolean
  readonly sameSite: 'lax'
  readonly path: string
  readonly maxAge: number
}

export interface CookieReader {
  get(name: string): { value: string } | undefined
}

export interface CookieWriter {
  set(name: string, value: string, options: CookieOptions): unknown
}

interface CookiePolicy {
  /** The name on plain http and on https; for a transaction, the prefix its `state` follows. */
  readonly name: { readonly http: string; readonly https: string }
  readonly path: { readonly http: string; readonly https: string }
  /** Seconds; undefined where the writer gives each cookie its own (the session's end). */
  readonly maxAge: number | undefined
}

/** Ten minutes to get through the provider's login page, or its sign-out. */
const TEN_MINUTES = 10 * 60

export const COOKIES = {
  /**
   * The sealed session (lib/session/cookies.ts). A large session (provider
   * tokens of several kilobytes) is split into `<name>.0`, `.1`, `.2`.
   */
  session: { name: { http: 'session', https: '__Host-session' }, path: { http: '/', https: '/' }, maxAge: undefined },
  /**
   * One login in flight (lib/auth/transaction-store.ts): one cookie per login,
   * named by its `state`, so two tabs signing in at once keep their own PKCE
   * verifier and nonce. `__Host-` requires Path=/, so on https it travels with
   * every request for its ten minutes.
   */
  transaction: {
    name: { http: 'txn.', https: '__Host-txn.' },
    path: { http: '/auth', https: '/' },
    maxAge: TEN_MINUTES,
  },
  /** The `state` of a sign-out at the provider (lib/auth/logout-state.ts), long enough to sign out there however slowly. */
  logoutState: {
    name: { http: 'logout-state', https: '__Host-logout-state' },
    path: { http: '/', https: '/' },
    maxAge: TEN_MINUTES,
  },
} as const satisfies Record<string, CookiePolicy>

export type CookieKind = keyof typeof COOKIES

/** The cookie's name on this site (for a transaction, the prefix of its names). */
export function cookieName(kind: CookieKind, site: CookieSite): string {
  return site.secureCookies ? COOKIES[kind].name.https : COOKIES[kind].name.http
}

/** The cookie's attributes on this site; `maxAge` 0 deletes it. */
export function cookieOptions(
  kind: CookieKind,
  site: CookieSite,
  maxAge: number = COOKIES[kind].maxAge ?? 0,
): CookieOptions {
  const { path } = COOKIES[kind]
  return {
    httpOnly: true,
    secure: site.secureCookies,
    sameSite: 'lax',
    path: site.secureCookies ? path.https : path.http,
    maxAge: Math.max(0, maxAge),
  }
}

/** Every name a request can carry a session under: whole or chunked (the first chunk), http or https. */
export const SESSION_COOKIE_NAMES = [
  COOKIES.session.name.http,
  `${COOKIES.session.name.http}.0`,
  COOKIES.session.name.https,
  `${COOKIES.session.name.https}.0`,
] as const

/** Seconds a login transaction lasts. */
export const TRANSACTION_TTL = COOKIES.transaction.maxAge

/** Abandoned logins beyond this many are dropped, oldest first, so cookies cannot pile up into a 431. */
export const MAX_PENDING_TRANSACTIONS = 3

/**
 * Deletions written on one response, at most. Each costs more than the last:
 * Next rewrites every Set-Cookie header already on the response for each
 * cookie set, so n deletions cost n² header writes (300 forged cookies made a
 * login start 13 to 19 times slower). A browser holds at most
 * MAX_PENDING_TRANSACTIONS of ours, so a request with more was crafted: the
 * ones that keep a real browser's cookies bounded go first, and a crafted
 * pile is deleted a few at a time, at no cost to anyone else.
 */
export const MAX_DELETIONS_PER_RESPONSE = 2 * MAX_PENDING_TRANSACTIONS

/** oauth4webapi's states are 43 base64url characters; anything else is not ours. */
const STATE_PATTERN = /^[A-Za-z0-9_-]{16,128}$/

/** True when `state` (from the query string or a cookie's name, so attacker-controlled) can be one we generated. */
export function isWellFormedState(state: string | null): state is string {
  return state !== null && STATE_PATTERN.test(state)
}
