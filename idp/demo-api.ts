/**
 * The protected demo API the app calls with the user's access token (the
 * profile's "Call the API"), and the demo users' avatars.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { jwtVerify, type JWTVerifyGetKey } from 'jose'
import type Provider from 'oidc-provider'
import { apiEndpoint } from './configuration.ts'
import { send } from './http.ts'
import { findUserByUsername } from './users.ts'
import { avatarSvg } from './views.ts'

/** What the demo API needs of an access token, opaque (looked up) or a JWT (big-token mode: verified). */
interface ApiToken {
  readonly accountId: string
  readonly clientId?: string | undefined
  readonly scope?: string | undefined
  readonly exp?: number | undefined
}

async function findApiToken(provider: Provider, keys: JWTVerifyGetKey, value: string): Promise<ApiToken | undefined> {
  if (value.split('.').length === 3) {
    try {
      const { payload } = await jwtVerify(value, keys, {
        issuer: provider.issuer,
        audience: apiEndpoint(provider.issuer),
      })
      return {
        accountId: String(payload.sub),
        clientId: String(payload.client_id),
        scope: payload.scope as string | undefined,
        exp: payload.exp,
      }
    } catch {
      return undefined
    }
  }
  const token = await provider.AccessToken.find(value)
  return token && !token.isExpired ? token : undefined
}

export async function handleDemoApi(
  provider: Provider,
  keys: JWTVerifyGetKey,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const value = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1]
  const token = value ? await findApiToken(provider, keys, value) : undefined
  if (!token) {
    res.writeHead(401, {
      'content-type': 'application/json',
      'www-authenticate': 'Bearer error="invalid_token"',
      'cache-control': 'no-store',
    })
    res.end(
      JSON.stringify({
        error: 'invalid_token',
        error_description: value ? 'The access token is unknown, revoked or expired.' : 'No access token.',
      }),
    )
    return
  }
  send(
    res,
    200,
    'application/json',
    JSON.stringify({
      message: 'Hello from the demo API: your access token is valid.',
      sub: token.accountId,
      client_id: token.clientId,
      scope: token.scope,
      expires_at: new Date((token.exp ?? 0) * 1000).toISOString(),
    }),
  )
}

export function handleAvatar(res: ServerResponse, url: URL): void {
  const user = findUserByUsername(url.pathname.split('/')[2]?.replace(/\.svg$/, '') ?? '')
  if (!user) return send(res, 404, 'text/plain', 'no such avatar')
  const initials = `${String(user.claims.given_name)[0]}${String(user.claims.family_name)[0]}`
  res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=3600' })
  res.end(avatarSvg(initials, user.colour))
}
