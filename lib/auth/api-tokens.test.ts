/**
 * Tokens for APIs, against a real token endpoint on loopback that rotates
 * refresh tokens and treats a second use of one as theft (as oidc-provider,
 * Okta and Auth0 do), with the embedded session store (the Redis pair's
 * two instances are e2e/apis.spec.ts's):
 * - two APIs minted at once from one refresh token spend it once each step of
 *   the way, and a cookie left holding an older refresh token still spends the latest;
 * - token exchange sends the session's own access token, and only the
 *   configured resource and scope;
 * - a token for another audience than the one asked for is not used, and the
 *   refresh token that answer rotated is kept.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { stubAppEnv } from '../testing/app-env'
import { startTokenEndpoint, type TokenEndpoint } from '../testing/token-endpoint'
import { testSession } from '../testing/session'
import { unsignedJwt } from '../testing/tokens'
import type { Session } from '../session/session'
import { nowSeconds } from '../clock'

const unique = () => randomBytes(6).toString('hex')

let provider: TokenEndpoint
let issuer: string
/** Every refresh token ever issued, and whether it was used. */
const refreshTokens = new Map<string, { used: boolean }>()
/** Refresh tokens presented more than once. */
const reused: string[] = []
/** Token exchange requests, as sent. */
const exchanges: Record<string, string>[] = []
/** Resources whose tokens the endpoint mints for another audience (Auth0's default-audience fallback). */
const fallback = new Set<string>()

let tokenForApi: typeof import('./api-tokens').tokenForApi
let refreshSession: typeof import('./refresh').refreshSession
let getConfig: typeof import('../config').getConfig

function issueRefreshToken(): string {
  const token = `rt-${unique()}`
  refreshTokens.set(token, { used: false })
  return token
}

async function tokenEndpoint(body: URLSearchParams): Promise<{ status: number; json: unknown }> {
  // Slow enough that concurrent requests overlap.
  await new Promise((resolve) => setTimeout(resolve, 150))
  const resource = body.get('resource') ?? undefined
  const access = (aud: string | undefined) =>
    unsignedJwt({
      iss: issuer,
      sub: 'alice',
      aud: aud && fallback.has(aud) ? 'https://default.example' : aud,
      jti: unique(),
    })
  /** A Bearer access token for the resource asked for, five minutes long, with what else the grant gives. */
  const granted = (extra: Record<string, string>) => ({
    status: 200,
    json: { access_token: access(resource), token_type: 'Bearer', expires_in: 300, ...extra },
  })
  if (body.get('grant_type') === 'refresh_token') {
    const presented = body.get('refresh_token')!
    const record = refreshTokens.get(presented)
    if (!record) return { status: 400, json: { error: 'invalid_grant' } }
    if (record.used) {
      reused.push(presented)
      return { status: 400, json: { error: 'invalid_grant', error_description: 'refresh token already used' } }
    }
    record.used = true
    return granted({ refresh_token: issueRefreshToken(), scope: body.get('scope') ?? 'openid' })
  }
  if (body.get('grant_type') === 'urn:ietf:params:oauth:grant-type:token-exchange') {
    exchanges.push(Object.fromEntries(body))
    return granted({ issued_token_type: 'urn:ietf:params:oauth:token-type:access_token' })
  }
  return { status: 400, json: { error: 'unsupported_grant_type' } }
}

beforeAll(async () => {
  provider = await startTokenEndpoint(tokenEndpoint)
  issuer = provider.issuer
  stubAppEnv('api-tokens', {
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_ID: 'app',
    OIDC_CLIENT_SECRET: 'app-secret',
    APIS: 'orders,reports,ledger,misaimed',
    API_ORDERS_URL: 'http://127.0.0.1:1/orders',
    API_ORDERS_SCOPE: 'orders:read',
    API_REPORTS_URL: 'http://127.0.0.2:1/reports',
    API_LEDGER_URL: 'http://127.0.0.3:1/ledger',
    API_LEDGER_TOKEN: 'exchange',
    API_LEDGER_SCOPE: 'ledger:read',
    API_MISAIMED_URL: 'http://127.0.0.4:1/',
  })
  fallback.add('http://127.0.0.4:1')
  ;[{ tokenForApi }, { refreshSession }, { getConfig }] = await Promise.all([
    import('./api-tokens'),
    import('./refresh'),
    import('../config'),
  ])
})
afterAll(async () => {
  await provider.close()
  vi.unstubAllEnvs()
})

function newSession(): Session {
  const now = nowSeconds()
  return {
    ...testSession({ idToken: unsignedJwt({ iss: issuer, sub: 'alice', aud: 'app' }), now }),
    refreshToken: issueRefreshToken(),
    accessToken: `at-${unique()}`,
    accessTokenExpiresAt: now + 300,
    refreshAt: now + 240,
  }
}

const api = (name: string) => getConfig().apis.find((a) => a.name === name)!
const tokenOf = (session: Session, name: string) => {
  const entry = session.apiTokens?.[name]
  return entry?.kind === 'token' ? entry.accessToken : undefined
}
const audOf = (token: string | undefined) =>
  JSON.parse(Buffer.from(token!.split('.')[1]!, 'base64url').toString()) as { aud?: string }

describe('tokens for several APIs from one rotating refresh token', () => {
  it('two APIs at once: each spend of the refresh token is a different token, both APIs get theirs, the grant lives', async () => {
    const session = newSession()
    const [orders, reports] = await Promise.all([
      tokenForApi(session, api('orders'), {}),
      tokenForApi(session, api('reports'), {}),
    ])
    expect(reused).toEqual([])
    expect(orders.kind).toBe('token')
    expect(reports.kind).toBe('token')
    if (orders.kind !== 'token' || reports.kind !== 'token') return
    expect(audOf(orders.token.accessToken).aud).toBe('http://127.0.0.1:1')
    expect(audOf(reports.token.accessToken).aud).toBe('http://127.0.0.2:1')
    // The one that went second followed the first's rotation: its session holds the newest refresh token.
    const newest = [orders.session, reports.session].find(
      (s) => s.refreshToken !== session.refreshToken && !refreshTokens.get(s.refreshToken!)!.used,
    )
    expect(newest).toBeDefined()

    // The browser kept the older of the two cookies; after the answers stopped being shared,
    // its next spend still presents the latest refresh token, never a used one.
    const older =
      [orders.session, reports.session].find((s) => refreshTokens.get(s.refreshToken!)!.used) ?? orders.session
    await new Promise((resolve) => setTimeout(resolve, 5_500))
    const later = await refreshSession({ ...older, refreshAt: 0 })
    expect(later.kind).toBe('refreshed')
    expect(reused).toEqual([])
  }, 20_000)

  it("token exchange: the session's own access token as the subject, the configured resource and scope, whatever else the caller wants", async () => {
    const session = newSession()
    const outcome = await tokenForApi(session, api('ledger'), {})
    expect(outcome.kind).toBe('token')
    const sent = exchanges.at(-1)!
    expect(sent.subject_token).toBe(session.accessToken)
    expect(sent.subject_token_type).toBe('urn:ietf:params:oauth:token-type:access_token')
    expect(sent.resource).toBe('http://127.0.0.3:1')
    expect(sent.scope).toBe('ledger:read')
    expect(Object.keys(sent).sort()).toEqual([
      'grant_type',
      'requested_token_type',
      'resource',
      'scope',
      'subject_token',
      'subject_token_type',
    ])
    // Not a spend of the refresh token.
    expect(refreshTokens.get(session.refreshToken!)!.used).toBe(false)
  })

  it('a token for another audience is not used, with words that name the provider policy; the rotated refresh token is kept', async () => {
    const session = newSession()
    const outcome = await tokenForApi(session, api('misaimed'), {})
    expect(outcome.kind).toBe('unavailable')
    if (outcome.kind !== 'unavailable') return
    expect(outcome.reason).toContain('issued a token for "https://default.example", not for misaimed')
    expect(outcome.reason).toContain('policy does not grant this client that API')
    expect(tokenOf(outcome.session, 'misaimed')).toBeUndefined()
    expect(outcome.session.refreshToken).not.toBe(session.refreshToken)
    expect(refreshTokens.get(outcome.session.refreshToken!)!.used).toBe(false)
    // Remembered for a while: asking again does not spend the refresh token again.
    const again = await tokenForApi(outcome.session, api('misaimed'), {})
    expect(again.kind).toBe('unavailable')
    expect(refreshTokens.get(outcome.session.refreshToken!)!.used).toBe(false)
  })
})
