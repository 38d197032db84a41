/**
 * Drives logins against the misbehaving provider over plain HTTP: a cookie jar
 * and manual redirects, no browser. Each step is a real request to a real server.
 */
import { expect, type APIRequestContext, type APIResponse } from '@playwright/test'
import { HOSTILE_APPS, HOSTILE_CONTROL, type HostileTenant } from '../environment.ts'
import type {
  BackchannelResult,
  Defect,
  DiscoveryMode,
  LoginQuirks,
  LoginRecord,
  LogoutTokenDefect,
} from './defects.ts'

export interface HostileLogin {
  readonly state: string
  /** The provider's redirect back to the app, as the browser would follow it. */
  readonly callbackUrl: string
  readonly callback: APIResponse
}

/** Tells the provider how to get this login wrong; `sub` signs in a user of the test's own instead of the shared one. */
export async function setDefect(
  request: APIRequestContext,
  tenant: HostileTenant,
  state: string,
  defect: Defect,
  sub?: string,
): Promise<void> {
  expect(
    (
      await request.post(`${HOSTILE_CONTROL}/${tenant}/logins/${state}`, { data: { defect, ...(sub ? { sub } : {}) } })
    ).ok(),
  ).toBe(true)
}

/** Tells the provider how this login's refresh, revocation and API calls should go. */
export async function setQuirks(
  request: APIRequestContext,
  tenant: HostileTenant,
  state: string,
  quirks: LoginQuirks,
): Promise<void> {
  expect((await request.post(`${HOSTILE_CONTROL}/${tenant}/quirks/${state}`, { data: quirks })).ok()).toBe(true)
}

export async function setDiscovery(request: APIRequestContext, mode: DiscoveryMode): Promise<void> {
  expect((await request.post(`${HOSTILE_CONTROL}/flaky/discovery`, { data: { mode } })).ok()).toBe(true)
}

export async function providerRecord(
  request: APIRequestContext,
  tenant: HostileTenant,
  state: string,
): Promise<LoginRecord> {
  return (await (await request.get(`${HOSTILE_CONTROL}/${tenant}/logins/${state}`)).json()) as LoginRecord
}

export async function providerCounts(
  request: APIRequestContext,
  tenant: HostileTenant,
): Promise<Record<string, number>> {
  return (await (await request.get(`${HOSTILE_CONTROL}/${tenant}/counts`)).json()) as Record<string, number>
}

/** GET /auth/login; expects the redirect to the provider and returns its URL. */
export async function startLogin(
  request: APIRequestContext,
  tenant: HostileTenant,
  returnTo?: string,
  options: Record<string, string> = {},
): Promise<URL> {
  const app = HOSTILE_APPS[tenant]
  const query = new URLSearchParams(options)
  if (returnTo !== undefined) query.set('returnTo', returnTo)
  // The several-providers app starts at this tenant's own login route.
  const path = 'providerId' in app ? `/auth/login/${app.providerId}` : '/auth/login'
  const login = await request.get(`${app.baseUrl}${path}${query.size ? `?${query}` : ''}`, { maxRedirects: 0 })
  expect(login.status(), await login.text()).toBe(303)
  return new URL(login.headers().location!)
}

/** A whole login: the app's redirect, the provider's approval with `defect`, and the callback. */
export async function login(
  request: APIRequestContext,
  tenant: HostileTenant,
  defect: Defect = 'none',
  returnTo?: string,
  options: Record<string, string> = {},
  sub?: string,
): Promise<HostileLogin> {
  const authorize = await startLogin(request, tenant, returnTo, options)
  const state = authorize.searchParams.get('state')!
  await setDefect(request, tenant, state, defect, sub)
  const approved = await request.get(authorize.href, { maxRedirects: 0 })
  expect(approved.status(), await approved.text()).toBe(302)
  const callbackUrl = approved.headers().location!
  const callback = await request.get(callbackUrl, { maxRedirects: 0 })
  return { state, callbackUrl, callback }
}

/** The session cookie a response set, if any (a deletion does not count). */
export function sessionSet(response: APIResponse): boolean {
  return response.headersArray().some((h) => h.name.toLowerCase() === 'set-cookie' && /^session=[^;]+/.test(h.value))
}

/** A refusal as a person sees it: the status, plain words, a way back, no stack trace, no session. */
export async function expectRefused(response: APIResponse, status: number, words?: RegExp): Promise<string> {
  const html = await response.text()
  expect(response.status(), html).toBe(status)
  expect(response.headers()['content-type']).toContain('text/html')
  expect(html).toContain('Try signing in again')
  expect(html).not.toMatch(/\bat .+\.(js|ts):\d+|node_modules|webpack|TypeError|OperationProcessingError/)
  if (words) expect(html).toMatch(words)
  expect(sessionSet(response)).toBe(false)
  return html
}

/** GET /api/me with whatever cookies the context holds. */
export async function me(request: APIRequestContext, tenant: HostileTenant): Promise<APIResponse> {
  return request.get(`${HOSTILE_APPS[tenant].baseUrl}/api/me`, { maxRedirects: 0 })
}

/** Has the provider send the app a back-channel logout for this login (`again`: the previous token once more). */
export async function backchannelLogout(
  request: APIRequestContext,
  tenant: HostileTenant,
  state: string,
  defect: LogoutTokenDefect,
  again = false,
): Promise<BackchannelResult> {
  const response = await request.post(`${HOSTILE_CONTROL}/${tenant}/backchannel/${state}`, { data: { defect, again } })
  expect(response.ok()).toBe(true)
  return (await response.json()) as BackchannelResult
}
