/**
 * One spend of a session's refresh token at its own provider: the refresh
 * grant for the session's tokens, or a mint for one API. Its failures become
 * values (refused for good, or failed for now), so that the answer can be
 * shared, sealed, with every request and instance that asked for the same
 * spend (./refresh.ts runs it once for them all).
 */
import 'server-only'
import * as oauth from 'oauth4webapi'
import { getConfig } from '../config'
import type { ApiConfig } from '../config'
import { quoted } from '../log/text'
import { log } from '../log/log'
import { mintWithRefreshToken, type ApiGrant } from '../oidc/api-token'
import { LoginError } from '../oidc/errors'
import { configuredProvider, getProvider } from '../oidc/provider'
import { refreshTokens, RefreshRejectedError } from '../oidc/refresh'
import type { TokenSet } from '../oidc/token-set'
import { open, seal } from '../seal'
import type { Session } from '../session/session'
import type { SessionStore, Sealer } from '../session/store/store'
import { count } from '../telemetry/metrics'
import { noteRotation } from './latest-refresh-token'

/** After a failure the provider may recover: wait this long before trying again. */
export const RETRY_AFTER = 30
/** How long a finished spend is handed to requests still carrying the old refresh token. */
export const REUSE_MS = 5_000

/** What a spend is for: the session's own tokens, or a token of one API's. */
export type SpendPurpose = { readonly kind: 'session' } | { readonly kind: 'api'; readonly api: ApiConfig }

export function purposeName(purpose: SpendPurpose): string {
  return purpose.kind === 'session' ? 'session' : `api:${purpose.api.name}`
}

/**
 * What one spend came to, shared with every request (and instance) that asked.
 * Plain JSON. `tokens` are the session's afterwards (a rotated refresh token,
 * a new ID token); `api`, for an API's spend, its token or why there is none.
 */
export type Shared =
  | {
      readonly kind: 'refreshed'
      readonly purpose: string
      readonly tokens: TokenSet
      readonly api?: { readonly grant: ApiGrant } | { readonly refused: string }
    }
  | { readonly kind: 'rejected' }
  | { readonly kind: 'failed'; readonly reason: string }

function isShared(value: unknown): value is Shared {
  if (typeof value !== 'object' || value === null) return false
  const v = value as { kind?: unknown; purpose?: unknown; tokens?: { idToken?: unknown }; reason?: unknown }
  if (v.kind === 'refreshed') return typeof v.tokens?.idToken === 'string' && typeof v.purpose === 'string'
  return v.kind === 'rejected' || (v.kind === 'failed' && typeof v.reason === 'string')
}

/** Results other instances read: sealed like the session, never stored in clear. */
export function sealer(): Sealer<Shared> {
  const { secrets } = getConfig().session
  const ttl = Math.ceil(REUSE_MS / 1000) + 5
  return {
    seal: (value) => seal(value, secrets, ttl),
    // Big tokens (Oracle-sized) make results larger than one cookie's worth.
    open: async (sealed) => (await open(sealed, secrets, ttl, isShared, 64 * 1024))?.data,
  }
}

/**
 * What the provider said, when it answered with an OAuth error (RFC 6749 §5.2),
 * or else what failed underneath: for the log, quoted.
 */
function providerWords(error: unknown): string {
  let root: unknown
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e instanceof oauth.ResponseBodyError)
      return ` [provider: HTTP ${e.status}, error=${quoted(e.error)}, error_description=${quoted(e.error_description ?? '')}]`
    root = e
  }
  return root !== error && root instanceof Error ? ` [${root.name}: ${quoted(root.message, 200)}]` : ''
}

/** The spend itself, at the session's own provider (whose refresh token this is), counted by how it ended. */
export async function spendOnce(session: Session, purpose: SpendPurpose, store: SessionStore): Promise<Shared> {
  const shared = await grant(session, purpose, store)
  count.refresh(session.provider, shared.kind)
  return shared
}

/** The grant, its failures turned into values so they can be shared too. */
async function grant(session: Session, purpose: SpendPurpose, store: SessionStore): Promise<Shared> {
  const name = purposeName(purpose)
  try {
    const provider = await getProvider(configuredProvider(session.provider))
    if (purpose.kind === 'session') {
      const tokens = await refreshTokens(provider, session)
      await noteRotation(session, tokens, store)
      return { kind: 'refreshed', purpose: name, tokens }
    }
    const { tokens, result } = await mintWithRefreshToken(provider, session, purpose.api)
    await noteRotation(session, tokens, store)
    if (!result.ok)
      log.warn(
        'api.token_unused',
        `a token for ${purpose.api.name} was minted and not used: ${quoted(result.reason, 400)}`,
        {
          provider: session.provider,
          api: purpose.api.name,
        },
      )
    return {
      kind: 'refreshed',
      purpose: name,
      tokens,
      api: result.ok ? { grant: result.grant } : { refused: result.reason },
    }
  } catch (error) {
    if (error instanceof RefreshRejectedError) {
      const cause = error.cause as { error?: string; error_description?: string } | undefined
      log.warn(
        'auth.refresh_refused',
        `refresh token refused (${quoted(cause?.error ?? 'no reason')}: ${quoted(cause?.error_description ?? '')}); the session ends`,
        { provider: session.provider },
      )
      return { kind: 'rejected' }
    }
    const reason = error instanceof LoginError ? error.detail : error instanceof Error ? error.message : String(error)
    log.warn(
      'auth.refresh_failed',
      `refresh (${name}) failed; will retry in ${RETRY_AFTER}s: ${quoted(reason, 300)}${providerWords(error)}`,
      {
        provider: session.provider,
      },
    )
    return { kind: 'failed', reason }
  }
}
