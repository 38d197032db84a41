import { randomBytes } from 'node:crypto'
import { expect, type APIRequestContext, type APIResponse, type Page } from '@playwright/test'
import { unsealData } from 'iron-session'
import { decompress } from '../lib/session/codec.ts'
import { TOKEN_FIELDS } from '../lib/session/sealed.ts'
import { DEMO_USERS, type DemoUser } from '../idp/users.ts'
import { IDP_ISSUER } from './environment.ts'

export const alice = DEMO_USERS.find((u) => u.username === 'alice')!
export const bob = DEMO_USERS.find((u) => u.username === 'bob')!

/** Waits for the provider's own login form. */
export async function expectProviderLogin(page: Page): Promise<void> {
  // Any local provider's (several run, on different ports): its own login page.
  await page.waitForURL(
    (url) => url.hostname === new URL(IDP_ISSUER).hostname && url.pathname.startsWith('/interaction/'),
  )
  await expect(page.getByRole('heading', { name: /Sign in to continue/ })).toBeVisible()
}

/**
 * Signs in at the provider's login form, as a person would, then answers the
 * consent page (shown once per provider session).
 */
export async function signInAtProvider(
  page: Page,
  user: DemoUser,
  consent: 'allow' | 'deny' | 'none' = 'allow',
): Promise<void> {
  await expectProviderLogin(page)
  await page.getByLabel('Username').fill(user.username)
  await page.getByLabel('Password').fill(user.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  if (consent === 'none') return
  await expect(page.getByRole('button', { name: 'Allow' })).toBeVisible()
  await page.getByRole('button', { name: consent === 'allow' ? 'Allow' : 'Deny' }).click()
}

/** Name and value of the session cookie in this browser context, if any. */
export async function sessionCookie(page: Page) {
  return (await page.context().cookies()).find((c) => c.name === 'session')
}

/**
 * Opens a session cookie's value the way the app does: iron with the secret, then
 * the compact form inside (lib/session/codec.ts). Tests read the stored tokens so.
 */
export async function openSealedSession<T>(sealed: string, password: string): Promise<T> {
  const data = await unsealData<{ z?: string }>(sealed, { password })
  if (typeof data.z !== 'string') throw new Error('not a compact session')
  return decompress(data.z, TOKEN_FIELDS) as T
}

/** A session id of the shape the app gives (lib/session/session.ts), for sessions a test seals itself. */
export function randomSessionId(): string {
  return randomBytes(16).toString('base64url')
}

/** Signs out as the header's button does: a same-origin POST to /auth/logout (redirects not followed). */
export function signOut(
  request: APIRequestContext,
  appBaseUrl: string,
  scope?: 'this' | 'others' | 'all',
  origin = appBaseUrl,
): Promise<APIResponse> {
  return request.post(`${appBaseUrl}/auth/logout`, {
    headers: { origin },
    ...(scope ? { form: { scope } } : {}),
    maxRedirects: 0,
  })
}

/** The app's JSON answers as the tests read them (Playwright's json() is untyped). */
export interface MeBody {
  readonly user: { readonly sub: string; readonly name?: string; readonly tid?: string } & Record<string, unknown>
  readonly session: { readonly createdAt: string; readonly expiresAt: string; readonly idleExpiresAt: string }
}
export interface HealthBody {
  readonly status: 'ok' | 'degraded'
  readonly provider: {
    readonly issuer: string
    readonly discovery: string
    readonly reason?: string
    readonly url?: string
    readonly status?: number
  }
  readonly store?: { readonly kind: string; readonly status: string }
}
export interface ErrorBody {
  readonly error: string
  readonly error_description?: string
}

/** A JSON answer's body, as the type the test expects. */
export async function bodyOf<T>(response: APIResponse): Promise<T> {
  return (await response.json()) as T
}
