/**
 * POST /auth/backchannel-logout/<id>  (form field `logout_token`)
 * Provider <id>'s back-channel logout URI (register it at that provider): its
 * logout tokens, checked with its keys, issuer and our client id there, end
 * only its sessions (lib/auth/backchannel.ts). `default` keeps
 * /auth/backchannel-logout, so /auth/backchannel-logout/default is a 404, as is an unknown id.
 */
import type { NextRequest } from 'next/server'
import { backchannelLogout } from '@/lib/auth/backchannel'
import { DEFAULT_PROVIDER, getConfig, providerById } from '@/lib/config'
import { notFoundJson } from '@/lib/http/api-errors'

export async function POST(request: NextRequest, { params }: { params: Promise<{ provider: string }> }) {
  const { provider: id } = await params
  const oidc = id === DEFAULT_PROVIDER ? undefined : providerById(getConfig().providers, id)
  return oidc ? backchannelLogout(request, oidc) : notFoundJson()
}
