/**
 * GET /auth/callback
 * The `default` provider's redirect URI (the one provider of a deployment
 * without OIDC_PROVIDERS): the provider sends the browser back here (OIDC Core
 * §3.1.2.5), and lib/auth/login.ts finishes the login. Other providers come
 * back to /auth/callback/<id>. Where OIDC_PROVIDERS does not list `default`: 404.
 */
import type { NextRequest } from 'next/server'
import { finishLogin } from '@/lib/auth/login'
import { DEFAULT_PROVIDER, getConfig, providerById } from '@/lib/config'
import { notFoundPage } from '@/lib/http/responses'

export async function GET(request: NextRequest) {
  const oidc = providerById(getConfig().providers, DEFAULT_PROVIDER)
  return oidc ? finishLogin(request, oidc) : notFoundPage()
}
