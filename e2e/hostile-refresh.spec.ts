/**
 * Refreshing, signing out and calling the API against a provider that
 * misbehaves in the ways real ones do: refresh tokens it does not rotate,
 * refusals with an empty body, a revocation endpoint that never answers, an
 * API whose answer never ends. And a refresh that another site asks for.
 */
import { expect, test, type APIRequestContext } from '@playwright/test'
import { HOSTILE_APPS, HOSTILE_SESSION_SECRET } from './environment.ts'
import { login, me, providerRecord, sessionSet, setQuirks } from './hostile/client.ts'
import { openSealedSession } from './helpers.ts'

const main = HOSTILE_APPS.main

/** "Refresh now", as the profile page's form sends it (redirects not followed). */
function refreshNow(request: APIRequestContext, origin = main.baseUrl) {
  return request.post(`${main.baseUrl}/auth/refresh?returnTo=/profile`, { headers: { origin }, maxRedirects: 0 })
}

async function accessToken(request: APIRequestContext): Promise<string> {
  const cookie = (await request.storageState()).cookies.find((c) => c.name === 'session')!
  return (await openSealedSession<{ accessToken: string }>(cookie.value, HOSTILE_SESSION_SECRET)).accessToken
}

test.describe('refresh', () => {
  test('a refresh asked for by another site is refused with 403 and refreshes nothing', async ({ request }) => {
    const { state } = await login(request, 'main')
    const forgeries: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ]
    for (const headers of forgeries) {
      const response = await request.post(`${main.baseUrl}/auth/refresh?returnTo=/profile`, {
        headers,
        maxRedirects: 0,
      })
      expect(response.status(), JSON.stringify(headers)).toBe(403)
      expect(await response.text()).toContain('This request did not come from this app')
      expect(sessionSet(response)).toBe(false)
    }
    expect((await providerRecord(request, 'main', state)).refreshes).toBe(0)
    // From our own page it goes through.
    expect((await refreshNow(request)).status()).toBe(303)
    expect((await providerRecord(request, 'main', state)).refreshes).toBe(1)
  })

  test('"Refresh now" pressed twice in a row refreshes twice, with a provider that does not rotate refresh tokens', async ({
    request,
  }) => {
    const { state } = await login(request, 'main')
    await setQuirks(request, 'main', state, { refresh: 'keep' })
    const first = await accessToken(request)
    expect((await refreshNow(request)).status()).toBe(303)
    const second = await accessToken(request)
    expect((await refreshNow(request)).status()).toBe(303)
    const third = await accessToken(request)
    expect((await providerRecord(request, 'main', state)).refreshes).toBe(2)
    expect(new Set([first, second, third]).size).toBe(3)
  })

  test('a refresh refused with invalid_grant ends the session: sign in again', async ({ request }) => {
    const { state } = await login(request, 'main')
    await setQuirks(request, 'main', state, { refresh: 'invalid-grant' })
    const response = await refreshNow(request)
    expect(response.status()).toBe(303)
    expect(new URL(response.headers().location!).pathname).toBe('/auth/login')
    expect((await me(request, 'main')).status()).toBe(401)
  })

  for (const behaviour of ['invalid-request', 'empty-400', '429', '503'] as const) {
    test(`a refresh answered ${behaviour} is a passing fault: the session stays, to retry later`, async ({
      request,
    }) => {
      const { state } = await login(request, 'main')
      await setQuirks(request, 'main', state, { refresh: behaviour })
      const response = await refreshNow(request)
      expect(response.status()).toBe(303)
      const back = new URL(response.headers().location!)
      expect(back.pathname).toBe('/profile')
      // The profile says the refresh failed, in words.
      expect(back.searchParams.get('refresh')).toBe('failed')
      expect(await (await request.get(back.href)).text()).toContain('could not refresh your tokens just now')
      expect((await me(request, 'main')).status()).toBe(200)
      expect((await providerRecord(request, 'main', state)).refreshes).toBe(1)
    })
  }
})

test.describe('a provider that hangs', () => {
  test('sign-out revokes both tokens at once under one short budget, and signs the user out here regardless', async ({
    request,
  }) => {
    const { state } = await login(request, 'main')
    await setQuirks(request, 'main', state, { revocationHangs: true })
    // Two revocations and discovery at 10 s each, one after another, took up to 30 s; the budget is a few seconds.
    const response = await request.post(`${main.baseUrl}/auth/logout`, {
      headers: { origin: main.baseUrl },
      maxRedirects: 0,
      timeout: 9_000,
    })
    expect(response.status()).toBe(303)
    expect(response.headers().location).toContain(`${main.issuer}/logout`)
    // Both were sent although neither was answered: in parallel.
    expect((await providerRecord(request, 'main', state)).revocations?.sort()).toEqual([
      'access_token',
      'refresh_token',
    ])
    expect((await me(request, 'main')).status()).toBe(401)
  })

  test('an API answer that never ends is cut at 16 KB, read no further', async ({ request }) => {
    const { state } = await login(request, 'main')
    await setQuirks(request, 'main', state, { apiEndless: true })
    const response = await request.get(`${main.baseUrl}/api/call-api`)
    const body = (await response.json()) as { status: number; body: string }
    expect(response.status()).toBe(200)
    expect(body.status).toBe(200)
    expect(body.body.length).toBe(16 * 1024)
  })
})
