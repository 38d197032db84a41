/**
 * The login transaction store: what /auth/login must remember for
 * /auth/callback, and the cookies that hold it (save, take by state, clear
 * the stale), behind one small interface: `TransactionStore`.
 *
 * Each login gets its own short-lived sealed cookie whose name carries the
 * `state`, so two tabs signing in at once do not overwrite each other's PKCE
 * verifier and nonce (auth0/nextjs-auth0#142, nextauthjs/next-auth#7894).
 * The cookie is sealed with the session secret. On https it is a `__Host-`
 * cookie, bound to this exact host: a sibling subdomain could plant a
 * `__Secure-` one for the whole site (cookie tossing), and with its own
 * transaction and its own callback URL sign the victim in as the attacker
 * (login CSRF, RFC 9700 §4.4.1). `__Host-` requires Path=/, so on https the
 * cookie travels with every request for its ten minutes; on plain http
 * (loopback development) it stays scoped to /auth.
 */
import type { SessionConfig } from './config'
import type { LoginChallenge } from './oidc/authorization'
import type { ProviderBinding } from './oidc/mix-up'
import { TRANSACTION_COOKIE_PREFIX } from './routes'
import { isPlausibleSeal, open, seal } from './seal'
import type { CookieOptions, CookieWriter } from './session/cookies'
import { nowSeconds } from './session/session'

/**
 * One login in flight: what the provider must answer to (LoginChallenge), the
 * provider it was started for (ProviderBinding: the callback refuses any
 * other), and where the user was going.
 */
export interface LoginTransaction extends LoginChallenge, ProviderBinding {
  readonly returnTo: string
  /** Epoch seconds; also orders transactions when too many pile up. */
  readonly createdAt: number
}

/** Ten minutes to get through the provider's login page. */
const TRANSACTION_TTL = 10 * 60
/** The same, in words, for the page that says a login took too long. */
export const TRANSACTION_TTL_WORDS = `${TRANSACTION_TTL / 60} minutes`
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

function transactionCookiePrefix(config: SessionConfig): string {
  // `__Host-` needs https (Secure), no Domain, and Path=/.
  return config.secureCookies ? TRANSACTION_COOKIE_PREFIX.https : TRANSACTION_COOKIE_PREFIX.http
}

/** True when `state` (from the query string, so attacker-controlled) can be one we generated. */
export function isWellFormedState(state: string | null): state is string {
  return state !== null && STATE_PATTERN.test(state)
}

export function transactionCookieName(state: string, config: SessionConfig): string {
  return `${transactionCookiePrefix(config)}${state}`
}

export function transactionCookieOptions(config: SessionConfig, maxAge = TRANSACTION_TTL): CookieOptions {
  return {
    httpOnly: true,
    secure: config.secureCookies,
    // Lax, not Strict: the provider brings the browser back with a cross-site top-level GET.
    sameSite: 'lax' as const,
    path: config.secureCookies ? '/' : '/auth',
    maxAge,
  }
}

function isTransaction(value: unknown): value is LoginTransaction {
  if (typeof value !== 'object' || value === null) return false
  const t = value as Record<string, unknown>
  return (
    typeof t.state === 'string' &&
    typeof t.nonce === 'string' &&
    typeof t.codeVerifier === 'string' &&
    typeof t.provider === 'string' &&
    typeof t.fingerprint === 'string' &&
    typeof t.returnTo === 'string' &&
    typeof t.createdAt === 'number' &&
    typeof t.options === 'object' &&
    t.options !== null
  )
}

export function sealTransaction(transaction: LoginTransaction, config: SessionConfig): Promise<string> {
  return seal(transaction, config.secrets, TRANSACTION_TTL)
}

/**
 * Opens a transaction cookie and checks it belongs to `expectedState`. Missing,
 * tampered, expired, or another login's cookie: undefined.
 */
export async function openTransaction(cookieValue: string | undefined, expectedState: string, config: SessionConfig): Promise<LoginTransaction | undefined> {
  const isThisTransaction = (data: unknown): data is LoginTransaction =>
    isTransaction(data) && data.state === expectedState && nowSeconds() - data.createdAt <= TRANSACTION_TTL
  return (await open(cookieValue, config.secrets, TRANSACTION_TTL, isThisTransaction))?.data
}

/**
 * Names of the pending transaction cookies to delete before starting another
 * login: unreadable ones, and the oldest beyond MAX_PENDING_TRANSACTIONS - 1.
 *
 * A browser holds at most MAX_PENDING_TRANSACTIONS of ours (we delete the rest
 * as we go), so a request with more was crafted: at most that many are opened,
 * and only those of a seal's shape under a state's name; every other one is
 * deleted unopened. Opening costs a key derivation per secret, and a request
 * with 300 forged cookies must not cost 600 of them.
 */
export async function staleTransactionCookies(cookies: readonly { name: string; value: string }[], config: SessionConfig): Promise<string[]> {
  const prefix = transactionCookiePrefix(config)
  const pending = cookies.filter((c) => c.name.startsWith(prefix))
  if (pending.length < MAX_PENDING_TRANSACTIONS) return []

  const plausible = pending.filter((c) => isWellFormedState(c.name.slice(prefix.length)) && isPlausibleSeal(c.value))
  // Browsers send older cookies first (RFC 6265 §5.4): open the newest.
  const toOpen = plausible.slice(-MAX_PENDING_TRANSACTIONS)
  const unopened = pending.filter((c) => !toOpen.includes(c)).map((c) => c.name)
  const opened = await Promise.all(
    toOpen.map(async (c) => ({
      name: c.name,
      txn: await openTransaction(c.value, c.name.slice(prefix.length), config),
    })),
  )
  const unreadable = [...opened.filter((o) => !o.txn).map((o) => o.name), ...unopened]
  const readable = opened.filter((o): o is { name: string; txn: LoginTransaction } => o.txn !== undefined).sort((a, b) => b.txn.createdAt - a.txn.createdAt)
  // Our own abandoned logins first: deleting them is what keeps a real browser under the cap.
  return [...readable.slice(MAX_PENDING_TRANSACTIONS - 1).map((o) => o.name), ...unreadable]
}

/** What a request's cookies offer the store. */
export interface RequestCookies {
  get(name: string): { value: string } | undefined
  getAll(): readonly { name: string; value: string }[]
}

/** A login taken from its cookie: the transaction, if this browser started it, and how to spend it. */
export interface TakenTransaction {
  readonly transaction: LoginTransaction | undefined
  /** Deletes the login's cookie on the response: a transaction is used once, however the callback ends. */
  readonly spend: (cookies: CookieWriter) => void
}

/** The login transactions of one browser, kept in its cookies. */
export class TransactionStore {
  private readonly config: SessionConfig

  constructor(config: SessionConfig) {
    this.config = config
  }

  /**
   * Remembers a new login, after dropping the stale ones the browser still
   * holds (see staleTransactionCookies), at most MAX_DELETIONS_PER_RESPONSE of them.
   */
  async save(transaction: LoginTransaction, request: RequestCookies, response: CookieWriter): Promise<void> {
    const gone = transactionCookieOptions(this.config, 0)
    const stale = await staleTransactionCookies(request.getAll(), this.config)
    for (const name of stale.slice(0, MAX_DELETIONS_PER_RESPONSE)) response.set(name, '', gone)
    const sealed = await sealTransaction(transaction, this.config)
    response.set(transactionCookieName(transaction.state, this.config), sealed, transactionCookieOptions(this.config))
  }

  /**
   * The login that `state` (from the callback's query, so attacker-controlled)
   * names, if its cookie is here, opens, and is not too old.
   */
  async take(state: string | null, request: RequestCookies): Promise<TakenTransaction> {
    if (!isWellFormedState(state)) return { transaction: undefined, spend: () => {} }
    const name = transactionCookieName(state, this.config)
    const transaction = await openTransaction(request.get(name)?.value, state, this.config)
    const gone = transactionCookieOptions(this.config, 0)
    return { transaction, spend: (cookies) => cookies.set(name, '', gone) }
  }
}
