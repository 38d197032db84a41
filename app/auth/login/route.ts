/**
 * GET /auth/login?returnTo=/path[&login_hint=…&prompt=…&max_age=…&acr_values=…&ui_locales=…&claims=…]
 * Starts a login (OIDC Core §3.1.2.1). With one provider, there: a new
 * transaction and a redirect to its authorization endpoint (lib/auth/login.ts).
 * With several (OIDC_PROVIDERS), a `login_hint` whose e-mail domain one of
 * them lists (OIDC_<ID>_DOMAINS, exact match) goes on to that provider's
 * /auth/login/<id> with the same query; anything else gets the sign-in page,
 * which middleware serves here (a rewrite to app/(site)/sign-in, so it has the
 * app's layout and nonce policy). A domain only routes: it grants nothing.
 */
import type { NextRequest } from 'next/server'
import { startLogin } from '@/lib/auth/login'
import { getConfig, offersChoice, providerForEmail } from '@/lib/config'
import { redirectTo } from '@/lib/http/responses'
import { loginPath, SIGN_IN_PAGE } from '@/lib/routes'

export async function GET(request: NextRequest) {
  const { providers, session: config } = getConfig()
  if (!offersChoice(providers)) return startLogin(request, providers.list[0])
  const query = request.nextUrl.searchParams
  const hint = query.get('login_hint')
  const matched = hint ? providerForEmail(providers, hint) : undefined
  // No match (or middleware did not run): the sign-in page, with the same query.
  const destination = matched ? `${loginPath(undefined, {}, matched.id)}?${query}` : `${SIGN_IN_PAGE}?${query}`
  return redirectTo(new URL(destination, config.appBaseUrl))
}
