/**
 * The local provider, in this process, counting what the app asks of it.
 * The benchmark's own "browser" requests (authorize, login and consent pages)
 * carry BROWSER_USER_AGENT and are left out: only the app's back-channel calls
 * (oauth4webapi over fetch) are counted, grouped by endpoint.
 */
import type { IncomingMessage } from 'node:http'
import { LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET } from '../../idp/local-client.ts'
import { startLocalIdp, type LocalIdp } from '../../idp/server.ts'
import { ACCESS_TOKEN_TTL, BROWSER_USER_AGENT, HOST } from './settings.ts'

export const ENDPOINTS = ['discovery', 'jwks', 'token', 'userinfo', 'revocation', 'other'] as const
export type Endpoint = (typeof ENDPOINTS)[number]
export type EndpointCounts = Record<Endpoint, number>

export interface CountingProvider {
  readonly idp: LocalIdp
  /** A copy of the app's requests so far, by endpoint. */
  readonly counts: () => EndpointCounts
  /** The request paths counted as `other`, so a surprise can be named in the report. */
  readonly otherPaths: () => string[]
}

function zeroCounts(): EndpointCounts {
  return { discovery: 0, jwks: 0, token: 0, userinfo: 0, revocation: 0, other: 0 }
}

/** What happened between two snapshots. */
export function countsBetween(before: EndpointCounts, after: EndpointCounts): EndpointCounts {
  const result = zeroCounts()
  for (const endpoint of ENDPOINTS) result[endpoint] = after[endpoint] - before[endpoint]
  return result
}

/** The provider's own endpoint paths, read from its discovery document (not guessed). */
async function endpointPaths(issuer: string): Promise<Map<string, Endpoint>> {
  const response = await fetch(`${issuer}/.well-known/openid-configuration`, {
    headers: { 'user-agent': BROWSER_USER_AGENT },
  })
  if (!response.ok) throw new Error(`The local provider's discovery answered ${response.status}.`)
  const meta = (await response.json()) as Record<string, unknown>
  const paths = new Map<string, Endpoint>([['/.well-known/openid-configuration', 'discovery']])
  const named: Array<[string, Endpoint]> = [
    ['jwks_uri', 'jwks'],
    ['token_endpoint', 'token'],
    ['userinfo_endpoint', 'userinfo'],
    ['revocation_endpoint', 'revocation'],
  ]
  for (const [field, endpoint] of named) {
    const value = meta[field]
    // The big-token provider has no userinfo endpoint (the profile is in the ID token, as with IDCS).
    if (typeof value === 'string') paths.set(new URL(value).pathname, endpoint)
    else if (field !== 'userinfo_endpoint') throw new Error(`The local provider's discovery lacks ${field}.`)
  }
  return paths
}

export async function startCountingProvider(
  port: number,
  appBaseUrl: string,
  bigTokens: boolean,
): Promise<CountingProvider> {
  const counts = zeroCounts()
  const others: string[] = []
  // Filled from the provider's discovery right after it starts; the app is not running yet, so nothing is missed.
  let paths = new Map<string, Endpoint>()
  const onRequest = (req: IncomingMessage) => {
    if (req.headers['user-agent'] === BROWSER_USER_AGENT) return
    const path = new URL(req.url ?? '/', 'http://provider').pathname
    const endpoint = paths.get(path) ?? 'other'
    counts[endpoint]++
    if (endpoint === 'other' && others.length < 20) others.push(`${req.method ?? '?'} ${path}`)
  }
  const idp = await startLocalIdp({
    port,
    host: HOST,
    appBaseUrl,
    clientId: LOCAL_CLIENT_ID,
    clientSecret: LOCAL_CLIENT_SECRET,
    accessTokenTtl: ACCESS_TOKEN_TTL,
    bigTokens,
    onRequest,
  })
  try {
    paths = await endpointPaths(idp.issuer)
  } catch (error) {
    await idp.close()
    throw error
  }
  return { idp, counts: () => ({ ...counts }), otherPaths: () => [...others] }
}
