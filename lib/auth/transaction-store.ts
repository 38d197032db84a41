/**
 * The login transaction store: what /auth/login must remember for
 * /auth/callback, and the cookies that hold it (save, take by state, clear
 * the stale), behind one small interface: `TransactionStore`.
 *
 * Each login gets its own short-lived sealed cookie whose name carries the
 * `state`, so two tabs signing in at once do not overwrite each other's PKCE
 * verifier and nonce (auth0/nextjs-auth0#142, nextauthjs/next-auth#7894).
 * The cookie is sealed with the session secret. Its name and attributes, and
 * why a `__Host-` cookie on https, are in lib/cookies/policy.ts.
 */
import type { SessionConfig } from '../config'
import {
  cookieName,
  cookieOptions,
  isWellFormedState,
  MAX_DELETIONS_PER_RESPONSE,
  MAX_PENDING_TRANSACTIONS,
  TRANSACTION_TTL,
  type CookieWriter,
} from '../cookies/policy'
import type { LoginChallenge } from '../oidc/authorization'
import type { ProviderBinding } from '../oidc/mix-up'
import { isPlausibleSeal, open, seal } from '../seal'
import { nowSeconds } from '../clock'

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

/** The transaction's lifetime, in words, for the page that says a login took too long. */
export const TRANSACTION_TTL_WORDS = `${TRANSACTION_TTL / 60} minutes`

/** The cookie that holds the login `state` names (lib/cookies/policy.ts). */
export function transactionCookieName(state: string, config: SessionConfig): string {
  return `${cookieName('transaction', config)}${state}`
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
export async function openTransaction(
  cookieValue: string | undefined,
  expectedState: string,
  config: SessionConfig,
): Promise<LoginTransaction | undefined> {
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
export async function staleTransactionCookies(
  cookies: readonly { name: string; value: string }[],
  config: SessionConfig,
): Promise<string[]> {
  const prefix = cookieName('transaction', config)
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
  const readable = opened
    .filter((o): o is { name: string; txn: LoginTransaction } => o.txn !== undefined)
    .sort((a, b) => b.txn.createdAt - a.txn.createdAt)
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
    const gone = cookieOptions('transaction', this.config, 0)
    const stale = await staleTransactionCookies(request.getAll(), this.config)
    for (const name of stale.slice(0, MAX_DELETIONS_PER_RESPONSE)) response.set(name, '', gone)
    const sealed = await sealTransaction(transaction, this.config)
    response.set(
      transactionCookieName(transaction.state, this.config),
      sealed,
      cookieOptions('transaction', this.config),
    )
  }

  /**
   * The login that `state` (from the callback's query, so attacker-controlled)
   * names, if its cookie is here, opens, and is not too old.
   */
  async take(state: string | null, request: RequestCookies): Promise<TakenTransaction> {
    if (!isWellFormedState(state)) return { transaction: undefined, spend: () => {} }
    const name = transactionCookieName(state, this.config)
    const transaction = await openTransaction(request.get(name)?.value, state, this.config)
    const gone = cookieOptions('transaction', this.config, 0)
    return { transaction, spend: (cookies) => cookies.set(name, '', gone) }
  }
}
