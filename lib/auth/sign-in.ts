/**
 * The two halves of a sign-in as the app performs them: a new login
 * transaction for /auth/login, and a new session for /auth/callback once the
 * provider's answer is validated (lib/oidc/callback.ts).
 */
import 'server-only'
import type { ProviderId, SessionConfig } from '../config'
import { newLoginChallenge } from '../oidc/authorization'
import type { AuthorizationOptions } from '../oidc/auth-params'
import type { ProviderBinding } from '../oidc/mix-up'
import type { TokenSet } from '../oidc/token-set'
import { sessionRef } from '../session/ref'
import { sealSession } from '../session/sealed'
import { newSession, type DpopKey, type Session } from '../session/session'
import { nowSeconds } from '../clock'
import { getSessionStore } from '../session/store'
import { describeUserAgent } from '../session/store/user-agent'
import type { LoginTransaction } from './transaction-store'
import { count } from '../telemetry/metrics'

/** A login that starts now at the provider `binding` names, and comes back to `returnTo`. */
export function newTransaction(
  returnTo: string,
  options: AuthorizationOptions,
  binding: ProviderBinding,
  dpopKey?: DpopKey,
): LoginTransaction {
  return { ...newLoginChallenge(options, dpopKey), ...binding, returnTo, createdAt: nowSeconds() }
}

/**
 * A session for a completed login, sealed once: a session too large for
 * cookies fails here, before any cookie is written. It is live in the session
 * store before the browser holds it: with Redis, only sessions the store holds are live.
 *
 * `replaced`, the session the browser held until now (signing in again, a
 * step-up), is ended in the store first (ASVS 5.0 7.2.4): a copy of its cookie
 * must not stay live beside the new session.
 */
export async function beginSession(
  tokens: TokenSet,
  provider: ProviderId,
  userAgent: string | null,
  config: SessionConfig,
  replaced?: Session,
  dpopKey?: DpopKey,
): Promise<{ session: Session; sealed: string }> {
  const session = { ...newSession(tokens, provider, config), ...(dpopKey ? { dpopKey } : {}) }
  const sealed = await sealSession(session, config)
  const store = getSessionStore()
  if (replaced) await store.end(sessionRef(replaced))
  await store.begin(sessionRef(session), describeUserAgent(userAgent))
  count.signIn(provider)
  return { session, sealed }
}
