/**
 * GET /auth/callback/<id>
 * Provider <id>'s redirect URI (register it at that provider). The login's
 * transaction must have been started for <id>: one started at another
 * provider is refused (400) before any code is exchanged anywhere
 * (lib/oidc/mix-up.ts). `default` keeps /auth/callback, so /auth/callback/default is a 404, as is an unknown id.
 */
import type { NextRequest } from 'next/server'
import { finishLogin } from '@/lib/auth/login'
import { DEFAULT_PROVIDER, getConfig, providerById } from '@/lib/config'
import { notFoundPage } from '@/lib/http/responses'

export async function GET(request: NextRequest, { params }: { params: Promise<{ provider: string }> }) {
  const { provider: id } = await params
  const oidc = id === DEFAULT_PROVIDER ? undefined : providerById(getConfig().providers, id)
  return oidc ? finishLogin(request, oidc) : notFoundPage()
}
