/**
 * An app with several providers (OIDC_PROVIDERS=default,partner,evil,down):
 * two real local providers with the same demo users, so alice has the same
 * `sub` at both and is two users; the hostile provider as `evil`, which can
 * attempt a mix-up; and `down`, whose issuer nothing answers at.
 */
import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test'
import { HOSTILE_APPS, MULTI } from './environment.ts'
import { backchannelLogout, expectRefused, login, me, providerRecord } from './hostile/client.ts'
import { alice, bob, signInAtProvider, type MeBody } from './helpers.ts'

const app = MULTI.baseUrl

// One after another in one worker: the mix-up tests count every token request these providers answer.
test.describe.configure({ mode: 'default' })

/** Token requests a local provider has answered (its test counter, LOCAL_IDP_COUNT_REQUESTS). */
async function tokenRequestsAt(request: APIRequestContext, issuer: string): Promise<number> {
  const counts = (await (await request.get(`${issuer}/_requests`)).json()) as Record<string, number>
  return counts['POST /token'] ?? 0
}

/** A fresh browser signed in as `user` at the provider whose button says `button`. */
async function signedInAt(browser: Browser, button: string, user = alice): Promise<Page> {
  const page = await (await browser.newContext()).newPage()
  await page.goto(`${app}/profile`)
  await expect(page).toHaveURL(`${app}/auth/login?returnTo=%2Fprofile`)
  await page.getByRole('link', { name: `Continue with ${button}` }).click()
  await signInAtProvider(page, user)
  await expect(page).toHaveURL(`${app}/profile`)
  return page
}

async function meOf(page: Page): Promise<{ status: number; body: MeBody & { provider?: string } }> {
  const response = await page.request.get(`${app}/api/me`)
  return {
    status: response.status(),
    body: response.status() === 200 ? ((await response.json()) as MeBody & { provider: string }) : ({} as MeBody),
  }
}

test('/auth/login offers every provider, in order, each at its own route with where the user was going', async ({
  page,
}) => {
  const response = await page.goto(`${app}/auth/login?returnTo=%2Fprofile%3Ftab%3Dclaims&prompt=login&evil=1`)
  expect(response!.status()).toBe(200)
  await expect(page).toHaveURL(`${app}/auth/login?returnTo=%2Fprofile%3Ftab%3Dclaims&prompt=login&evil=1`)
  const buttons = page.locator('[data-provider]')
  await expect(buttons).toHaveText([
    'Continue with Corporate',
    'Continue with Partner',
    'Continue with Evil partner',
    'Continue with Down provider',
  ])
  // The allow-listed options go on; anything else in the query does not.
  expect(await buttons.first().getAttribute('href')).toBe(
    '/auth/login/default?returnTo=%2Fprofile%3Ftab%3Dclaims&prompt=login',
  )
  expect(await buttons.nth(1).getAttribute('href')).toBe(
    '/auth/login/partner?returnTo=%2Fprofile%3Ftab%3Dclaims&prompt=login',
  )
  // The app's own page: its nonce policy, whose form-action lets the e-mail form go on to any provider, and no cache.
  const csp = response!.headers()['content-security-policy']!
  expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/)
  for (const origin of [
    MULTI.defaultIssuer,
    MULTI.partnerIssuer,
    new URL(HOSTILE_APPS.multi.issuer).origin,
    MULTI.downIssuer,
  ])
    expect(csp).toContain(origin)
  expect(response!.headers()['cache-control']).toContain('no-store')
})

test('alice at two providers is two users: each session names its provider, and signing out everywhere at one leaves the other', async ({
  browser,
}) => {
  const corporate = await signedInAt(browser, 'Corporate')
  const partner = await signedInAt(browser, 'Partner')
  await expect(partner.getByTestId('profile-provider')).toHaveText('Signed in with Partner')
  await expect(corporate.getByTestId('profile-provider')).toHaveText('Signed in with Corporate')

  const [atCorporate, atPartner] = [await meOf(corporate), await meOf(partner)]
  expect(atCorporate.body).toMatchObject({ provider: 'default', user: { sub: alice.sub } })
  expect(atPartner.body).toMatchObject({ provider: 'partner', user: { sub: alice.sub } })
  // The partner's alice signs out her other sessions: the list is hers alone, and the corporate alice is someone else.
  const others = await partner.request.post(`${app}/auth/logout`, {
    headers: { origin: app },
    form: { scope: 'others' },
    maxRedirects: 0,
  })
  expect(others.headers().location).toBe(`${app}/profile?signed_out=others#sessions`)
  await partner.reload()
  await expect(partner.getByTestId('session-row')).toHaveCount(1)
  expect((await meOf(corporate)).status).toBe(200)

  const everywhere = await partner.request.post(`${app}/auth/logout`, {
    headers: { origin: app },
    form: { scope: 'all' },
    maxRedirects: 0,
  })
  expect(everywhere.status()).toBe(303)
  expect((await meOf(partner)).status).toBe(401)
  expect((await meOf(corporate)).status).toBe(200)
  await Promise.all([corporate.context().close(), partner.context().close()])
})

test('an e-mail address goes to the provider that lists its domain, exactly; any other gets the same page', async ({
  page,
  request,
}) => {
  const routed = await request.get(`${app}/auth/login?login_hint=bob%40Partner.Example&returnTo=%2Fprofile`, {
    maxRedirects: 0,
  })
  expect(routed.status()).toBe(303)
  expect(routed.headers().location).toBe(
    `${app}/auth/login/partner?login_hint=bob%40Partner.Example&returnTo=%2Fprofile`,
  )

  // A subdomain of a listed domain, a lookalike, an unknown one: one and the same answer.
  const pages: string[] = []
  for (const address of ['bob@sub.partner.example', 'bob@partner.example.evil.test', 'bob@nowhere.test']) {
    const response = await page.goto(`${app}/auth/login?login_hint=${encodeURIComponent(address)}&returnTo=%2Fprofile`)
    expect(response!.status(), address).toBe(200)
    await expect(page.getByTestId('no-match')).toBeVisible()
    await expect(page.getByLabel('Work e-mail')).toHaveValue(address)
    pages.push(await page.getByTestId('sign-in').innerText())
  }
  expect(new Set(pages).size).toBe(1)

  // From the form, as a person: the address, Enter, and on to the partner's own login page, which signs bob in.
  await page.getByLabel('Work e-mail').fill('bob@partner.example')
  await page.getByLabel('Work e-mail').press('Enter')
  await page.waitForURL((url) => url.origin === MULTI.partnerIssuer)
  await signInAtProvider(page, bob)
  await expect(page).toHaveURL(`${app}/profile`)
  expect((await meOf(page)).body).toMatchObject({ provider: 'partner', user: { sub: bob.sub } })
})

test('the sign-in page works by keyboard alone: the buttons in order, then the e-mail field, each visibly focused', async ({
  page,
}) => {
  await page.goto(`${app}/auth/login?returnTo=%2F`)
  const order: string[] = []
  for (let i = 0; i < 12 && order.length < 6; i++) {
    await page.keyboard.press('Tab')
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null
      if (!el || !el.closest('[data-testid="sign-in"]')) return undefined
      return { id: el.dataset.provider || el.id || el.textContent?.trim(), outline: getComputedStyle(el).outlineStyle }
    })
    if (!focused) continue
    expect(focused.outline, `${focused.id} shows its focus`).not.toBe('none')
    order.push(focused.id)
  }
  expect(order).toEqual(['default', 'partner', 'evil', 'down', 'login_hint', 'Continue'])
  await page.keyboard.press('Shift+Tab')
  await page.keyboard.type('alice@example.com')
  await page.keyboard.press('Enter')
  await page.waitForURL((url) => url.origin === MULTI.defaultIssuer)
})

test("signing out ends the provider session at the session's own provider", async ({ browser }) => {
  const page = await signedInAt(browser, 'Partner')
  const endSession = page.waitForRequest((r) => r.url().startsWith(`${MULTI.partnerIssuer}/session/end?`))
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click()
  expect(new URL((await endSession).url()).searchParams.get('client_id')).toBe('nextjs-oidc-login')
  await expect(page.getByRole('button', { name: 'Yes, sign out of the provider too' })).toBeVisible()
  await page.context().close()
})

test("the partner's back-channel logout ends the partner's alice only, and another provider's logout token is refused at its route", async ({
  browser,
  request,
}) => {
  const corporate = await signedInAt(browser, 'Corporate')
  const partner = await signedInAt(browser, 'Partner')
  // Alice signs out at the partner itself: it tells the app, server to server, at /auth/backchannel-logout/partner.
  await partner.goto(`${MULTI.partnerIssuer}/session/end`)
  await partner.getByRole('button', { name: 'Yes, sign out of the provider too' }).click()
  await expect.poll(async () => (await meOf(partner)).status).toBe(401)
  expect((await meOf(corporate)).status).toBe(200)

  // The evil provider's valid logout token for a user with alice's sub: at its own route it ends its sessions only…
  const { state, callback } = await login(request, 'multi', 'none', '/profile', {}, alice.sub)
  expect(callback.status(), await callback.text()).toBe(303)
  expect((await backchannelLogout(request, 'multi', state, 'sub-only')).status).toBe(200)
  expect((await me(request, 'multi')).status()).toBe(401)
  expect((await meOf(corporate)).status).toBe(200)
  // …and at another provider's route it is refused: not that provider's issuer, keys or audience.
  const token = (await providerRecord(request, 'multi', state)) as { lastLogoutToken?: string }
  for (const route of ['/auth/backchannel-logout', '/auth/backchannel-logout/partner']) {
    const refused = await request.post(`${app}${route}`, { form: { logout_token: token.lastLogoutToken! } })
    expect(refused.status(), route).toBe(400)
  }
  expect((await meOf(corporate)).status).toBe(200)
  await Promise.all([corporate.context().close(), partner.context().close()])
})

test("refreshing goes to the session's own provider's token endpoint", async ({ browser, request }) => {
  const { state } = await login(request, 'multi', 'none', '/profile')
  const before = (await providerRecord(request, 'multi', state)).refreshes
  const refreshed = await request.post(`${app}/auth/refresh?returnTo=%2Fprofile`, {
    headers: { origin: app },
    maxRedirects: 0,
  })
  expect(refreshed.headers().location).toMatch(/\/profile\?refreshed=\d+$/)
  expect((await providerRecord(request, 'multi', state)).refreshes).toBe(before + 1)

  // The partner's refresh token is spent at the partner: anywhere else it would be refused, and the session would end.
  const partner = await signedInAt(browser, 'Partner')
  const again = await partner.request.post(`${app}/auth/refresh?returnTo=%2Fprofile`, {
    headers: { origin: app },
    maxRedirects: 0,
  })
  expect(again.headers().location).toMatch(/\/profile\?refreshed=\d+$/)
  expect((await meOf(partner)).body).toMatchObject({ provider: 'partner' })
  await partner.context().close()
})

for (const [defect, where] of [
  ['mix-up-callback', "the honest provider's callback"],
  ['mix-up-iss', 'its own callback with the honest issuer as iss'],
] as const) {
  test(`mix-up: a login started at the evil provider and sent back to ${where} is refused, and no token endpoint is asked`, async ({
    request,
  }) => {
    // The honest providers' counters count every token request: this file's tests run one at a time (above).
    const honestTokenRequests = async () => [
      await tokenRequestsAt(request, MULTI.defaultIssuer),
      await tokenRequestsAt(request, MULTI.partnerIssuer),
    ]
    const before = await honestTokenRequests()
    const { state, callbackUrl, callback } = await login(request, 'multi', defect, '/profile')
    expect(new URL(callbackUrl).pathname).toBe(defect === 'mix-up-callback' ? '/auth/callback' : '/auth/callback/evil')
    await expectRefused(callback, 400)
    // Neither the evil provider's token endpoint (for this login) nor the honest ones saw the code.
    expect((await providerRecord(request, 'multi', state)).token).toEqual([])
    expect(await honestTokenRequests()).toEqual(before)
    expect((await me(request, 'multi')).status()).toBe(401)
  })
}

test('a provider that is down: its button gets the 503 page, the others sign in, and health reports it without failing', async ({
  request,
  browser,
}) => {
  const down = await request.get(`${app}/auth/login/down?returnTo=%2Fprofile`, { maxRedirects: 0 })
  const html = await expectRefused(down, 503)
  expect(html).toContain('href="/auth/login/down?returnTo=%2Fprofile"')

  const health = await request.get(`${app}/api/health`)
  expect(health.status()).toBe(200)
  const body = (await health.json()) as {
    status: string
    providers: Record<string, { status: string; issuer: string }>
  }
  expect(body.status).toBe('ok')
  expect(body.providers).toMatchObject({
    default: { status: 'reachable' },
    partner: { status: 'reachable' },
    evil: { status: 'reachable' },
    down: { status: 'unreachable', issuer: MULTI.downIssuer },
  })
  const page = await signedInAt(browser, 'Corporate')
  await page.context().close()
})

test('an id nobody configured is a 404 at every provider route; the default provider keeps its unsuffixed ones', async ({
  request,
}) => {
  for (const path of [
    '/auth/login/nope',
    '/auth/callback/nope?code=x&state=y',
    '/auth/callback/default?code=x&state=y',
    '/auth/login/Default',
  ]) {
    expect((await request.get(`${app}${path}`, { maxRedirects: 0 })).status(), path).toBe(404)
  }
  for (const path of ['/auth/backchannel-logout/nope', '/auth/backchannel-logout/default']) {
    expect((await request.post(`${app}${path}`, { form: { logout_token: 'x' } })).status(), path).toBe(404)
  }
  expect((await request.post(`${app}/auth/backchannel-logout`, { form: { logout_token: 'x' } })).status()).toBe(400)
})
