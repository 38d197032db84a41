/**
 * The token a session holds (or gets) for one API: from its cache, the
 * sign-in's own access token, a mint with the refresh token (spent once
 * across instances, lib/auth/refresh.ts), or a token exchange of the
 * session's access token at its own provider.
 *
 * Resource, audience and scope come from the API's configuration only; a
 * session signed in at another provider than the API's gets no token for it.
 */
import 'server-only'
import { providerById, type ApiConfig } from '../config'
import { getConfig } from '../config'
import { exchangeToken } from '../oidc/api-token'
import { LoginError } from '../oidc/errors'
import { configuredProvider, getProvider, type DiscoveredProvider } from '../oidc/provider'
import { isUsable, type CachedApiToken } from '../session/api-tokens'
import { needsRefresh, withApiEntry, type Session } from '../session/session'
import { nowSeconds } from '../clock'
import { refreshSession, RETRY_AFTER, spendFor } from './refresh'

/** How often a use moves an entry's place in the eviction order (a cookie write), at most. */
const USE_NOTED_EVERY = 60

export type ApiTokenOutcome =
  /** `session` may differ from the one asked with (a mint, a rotated refresh token, a use noted): keep it. */
  | {
      readonly kind: 'token'
      readonly token: CachedApiToken
      readonly provider: DiscoveredProvider
      readonly session: Session
    }
  /** No token for this API now; `reason` is for the person. */
  | { readonly kind: 'unavailable'; readonly reason: string; readonly session: Session }
  /** The provider refused the refresh token: the session is over. */
  | { readonly kind: 'signed-out' }
  /** …but the store could not record that. */
  | { readonly kind: 'store-down' }

export interface TokenRequest {
  /** The API refused this token (401): do not hand it out again, get another. */
  readonly refused?: string | undefined
}

/** Why a session at `session.provider` gets no token for `api`, if it does not. */
function providerMismatch(session: Session, api: ApiConfig): string | undefined {
  if (api.provider === undefined || api.provider === session.provider) return undefined
  const { providers } = getConfig()
  const name = (id: string) => providerById(providers, id)?.name ?? id
  return `${api.name} takes tokens from ${name(api.provider)}; you signed in with ${name(session.provider)}.`
}

/** The entry, its use noted when the last note is a minute old (the eviction order is coarse, cookie writes rare). */
function used(session: Session, api: ApiConfig, token: CachedApiToken, now: number): Session {
  if (now - token.usedAt < USE_NOTED_EVERY) return session
  return { ...session, apiTokens: { ...session.apiTokens, [api.name]: { ...token, usedAt: now } } }
}

/** The sign-in's own access token (API_<NAME>_TOKEN=login): refreshed like the session's, since it is the session's. */
async function loginToken(session: Session, api: ApiConfig, request: TokenRequest): Promise<ApiTokenOutcome> {
  const provider = await getProvider(configuredProvider(session.provider))
  let current = session
  if (request.refused !== undefined && request.refused === current.accessToken) {
    if (!current.refreshToken)
      return {
        kind: 'unavailable',
        reason: `${api.name} refused the sign-in's token, and there is no refresh token to get another.`,
        session,
      }
    const outcome = await refreshSession(current)
    if (outcome.kind === 'rejected') return { kind: 'signed-out' }
    if (outcome.kind === 'unendable') return { kind: 'store-down' }
    if (outcome.kind === 'failed') return { kind: 'unavailable', reason: outcome.reason, session: outcome.session }
    current = outcome.session
  }
  if (!current.accessToken)
    return { kind: 'unavailable', reason: 'The provider issued no access token at sign-in.', session: current }
  const dpop = provider.config.dpop && current.dpopKey !== undefined
  if (dpop && !api.dpop) {
    return {
      kind: 'unavailable',
      reason: `The sign-in's token is bound to this session's DPoP key, and ${api.variable('DPOP')}=false: use ${api.variable('TOKEN')}=refresh or exchange for this API.`,
      session: current,
    }
  }
  const token: CachedApiToken = {
    kind: 'token',
    accessToken: current.accessToken,
    expiresAt: current.accessTokenExpiresAt,
    scope: current.scope,
    dpop,
    usedAt: 0,
  }
  return { kind: 'token', token, provider, session: current }
}

/** RFC 8693 at the session's own provider, with the session's own access token (refreshed first when due). */
async function exchanged(session: Session, api: ApiConfig, provider: DiscoveredProvider): Promise<ApiTokenOutcome> {
  let current = session
  if (needsRefresh(current) || !current.accessToken) {
    const outcome = await refreshSession(current)
    if (outcome.kind === 'rejected') return { kind: 'signed-out' }
    if (outcome.kind === 'unendable') return { kind: 'store-down' }
    current = outcome.session
  }
  if (!current.accessToken)
    return { kind: 'unavailable', reason: 'The session has no access token to exchange.', session: current }
  let reason: string
  try {
    const result = await exchangeToken(provider, current.accessToken, current.dpopKey, api)
    if (result.ok) return fromEntry(withApiEntry(current, api.name, result.grant), api, provider)
    reason = result.reason
  } catch (error) {
    reason = error instanceof LoginError ? error.detail : error instanceof Error ? error.message : String(error)
  }
  return fromEntry(withApiEntry(current, api.name, { refused: reason, retryAfter: RETRY_AFTER }), api, provider)
}

/** What the cache now says for `api`: its token, or why there is none. */
function fromEntry(session: Session, api: ApiConfig, provider: DiscoveredProvider): ApiTokenOutcome {
  const entry = session.apiTokens?.[api.name]
  if (entry?.kind === 'token') return { kind: 'token', token: entry, provider, session }
  return { kind: 'unavailable', reason: entry?.kind === 'failed' ? entry.reason : `No token for ${api.name}.`, session }
}

/** The token `session` should send to `api` now, minting one where the cache has none. */
export async function tokenForApi(session: Session, api: ApiConfig, request: TokenRequest): Promise<ApiTokenOutcome> {
  const mismatch = providerMismatch(session, api)
  if (mismatch) return { kind: 'unavailable', reason: mismatch, session }
  if (api.token === 'login') return loginToken(session, api, request)

  const now = nowSeconds()
  const entry = session.apiTokens?.[api.name]
  const provider = await getProvider(configuredProvider(session.provider))
  if (isUsable(entry, now) && entry.accessToken !== request.refused)
    return { kind: 'token', token: entry, provider, session: used(session, api, entry, now) }
  if (entry?.kind === 'failed' && entry.retryAt > now && request.refused === undefined)
    return { kind: 'unavailable', reason: entry.reason, session }
  if (api.token === 'exchange') return exchanged(session, api, provider)
  if (!session.refreshToken) {
    const reason = `The provider issued no refresh token to mint a token for ${api.name} with (ask for one, e.g. the offline_access scope, or set ${api.variable('TOKEN')}=login).`
    return { kind: 'unavailable', reason, session }
  }
  const outcome = await spendFor(session, { kind: 'api', api })
  if (outcome.kind === 'rejected') return { kind: 'signed-out' }
  if (outcome.kind === 'unendable') return { kind: 'store-down' }
  return fromEntry(outcome.session, api, provider)
}
