/**
 * GET|POST|PUT|PATCH|DELETE /api/proxy/<name>/<path…>
 * The backend-for-frontend proxy: the request goes on to API_<NAME>_URL + path
 * with that API's token, and its answer (status, Content-Type, body) comes
 * back. Only from this app's pages with `X-CSRF: 1` (else 403); an unknown
 * name is a 404; a path that would leave the API's URL a 400. No response
 * carries a token. See lib/api/proxy.ts.
 */
import type { NextRequest } from 'next/server'
import { proxyToApi } from '@/lib/api/proxy'

type Context = { params: Promise<{ name: string }> }

async function proxy(request: NextRequest, context: Context) {
  return proxyToApi(request, (await context.params).name)
}

export const GET = proxy
export const POST = proxy
export const PUT = proxy
export const PATCH = proxy
export const DELETE = proxy
