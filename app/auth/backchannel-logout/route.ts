/**
 * POST /auth/backchannel-logout  (form field `logout_token`)
 * The `default` provider's back-channel logout URI (OpenID Connect
 * Back-Channel Logout 1.0 §2.5-2.8): a valid logout token ends every session
 * of that provider session (`sid`), or, without `sid`, every session of that
 * user (`sub`), on every instance: 200 with `Cache-Control: no-store`. Anything
 * else: 400 with an OAuth error JSON, ending nothing; 503 when it cannot be
 * checked now, so the provider may retry (lib/auth/backchannel.ts). Other
 * providers post to /auth/backchannel-logout/<id>. Where OIDC_PROVIDERS does not list `default`: 404.
 */
import type { NextRequest } from 'next/server'
import { backchannelLogout } from '@/lib/auth/backchannel'
import { DEFAULT_PROVIDER, getConfig, providerById } from '@/lib/config'
import { notFoundJson } from '@/lib/http/api-errors'

export async function POST(request: NextRequest) {
  const oidc = providerById(getConfig().providers, DEFAULT_PROVIDER)
  return oidc ? backchannelLogout(request, oidc) : notFoundJson()
}
