/**
 * Ending things at the provider: token revocation (RFC 7009) and the
 * RP-initiated logout redirect (RP-Initiated Logout 1.0).
 */
import 'server-only'
import * as oauth from 'oauth4webapi'
import type { OidcConfig } from '../config'
import type { DiscoveredProvider } from './provider'
import type { TokenSet } from './token-set'
import { log } from '../log/log'

/** How long signing out may wait on the provider in all: discovery, both revocations. */
export const SIGN_OUT_BUDGET_MS = 3_000

/** `promise`, or a rejection once `deadline` aborts, whichever comes first. */
export function beforeDeadline<T>(promise: Promise<T>, deadline: AbortSignal): Promise<T> {
  if (deadline.aborted) return Promise.reject(deadline.reason as Error)
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(deadline.reason as Error)
    deadline.addEventListener('abort', abort, { once: true })
    promise.then(resolve, reject).finally(() => deadline.removeEventListener('abort', abort))
  })
}

/**
 * Revokes the tokens at the provider where it offers a revocation endpoint:
 * all at once (the session's, and `apiTokens`, each API's own, which the same
 * provider minted), within `deadline` (one budget for the whole sign-out, see
 * SIGN_OUT_BUDGET_MS). Never throws: signing out here must not depend on the
 * provider answering.
 */
export async function revokeTokens(
  provider: DiscoveredProvider,
  tokens: TokenSet,
  deadline: AbortSignal,
  apiTokens: readonly string[] = [],
): Promise<void> {
  const { as, client, clientAuth, http } = provider
  if (!as.revocation_endpoint) return
  const revocable: [string | undefined, string][] = [
    [tokens.refreshToken, 'refresh_token'],
    [tokens.accessToken, 'access_token'],
    ...apiTokens
      .filter((token) => token !== tokens.accessToken)
      .map((token): [string, string] => [token, 'access_token']),
  ]
  await Promise.all(
    revocable.map(async ([token, hint]) => {
      if (!token) return
      try {
        const response = await oauth.revocationRequest(as, client, clientAuth, token, {
          ...http,
          signal: deadline,
          additionalParameters: { token_type_hint: hint },
        })
        await oauth.processRevocationResponse(response)
      } catch (error) {
        log.warn(
          'auth.revocation_failed',
          `could not revoke the ${hint} at sign-out: ${error instanceof Error ? error.message : String(error)}`,
          {
            provider: provider.config.id,
          },
        )
      }
    }),
  )
}

/**
 * The provider's end-session endpoint: OIDC_END_SESSION_ENDPOINT when set (no
 * discovery needed), otherwise discovery's, or undefined when the provider has
 * none (Google: sign-out is local only).
 */
export async function endSessionEndpoint(
  config: OidcConfig,
  provider: () => Promise<DiscoveredProvider>,
): Promise<URL | undefined> {
  if (config.endSessionEndpoint) return config.endSessionEndpoint
  const discovered = (await provider()).as.end_session_endpoint
  return discovered ? new URL(discovered) : undefined
}

/**
 * Where to send the browser to end the provider's session too. RP-Initiated
 * Logout 1.0 §2: id_token_hint, post_logout_redirect_uri, client_id (Keycloak
 * needs one of the first and last) and state. Amazon Cognito's /logout takes
 * client_id and logout_uri instead.
 */
export function endSessionUrl(config: OidcConfig, endpoint: URL, idToken: string | undefined, state?: string): URL {
  const url = new URL(endpoint)
  if (config.logoutStyle === 'cognito') {
    url.searchParams.set('client_id', config.clientId)
    url.searchParams.set('logout_uri', config.postLogoutRedirectUri)
    return url
  }
  if (idToken) url.searchParams.set('id_token_hint', idToken)
  url.searchParams.set('post_logout_redirect_uri', config.postLogoutRedirectUri)
  url.searchParams.set('client_id', config.clientId)
  // Some providers return to post_logout_redirect_uri only with a state (§2); it comes back with the user (lib/auth/logout-state.ts).
  if (state) url.searchParams.set('state', state)
  return url
}
