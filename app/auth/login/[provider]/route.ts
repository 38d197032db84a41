/**
 * GET /auth/login/<id>?returnTo=/path[&login_hint=…&prompt=…&max_age=…&acr_values=…&ui_locales=…&claims=…]
 * Starts a login at provider <id> (an id in OIDC_PROVIDERS; `default` with
 * none set): a transaction bound to that provider, and a redirect to its
 * authorization endpoint (lib/auth/login.ts). Any other id: 404.
 */
import type { NextRequest } from 'next/server'
import { startLogin } from '@/lib/auth/login'
import { getConfig, providerById } from '@/lib/config'
import { notFoundPage } from '@/lib/http/responses'

export async function GET(request: NextRequest, { params }: { params: Promise<{ provider: string }> }) {
  const oidc = providerById(getConfig().providers, (await params).provider)
  return oidc ? startLogin(request, oidc) : notFoundPage()
}
