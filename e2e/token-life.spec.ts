/**
 * The whole token life against the local provider (oidc-provider, rotating
 * refresh tokens): refresh before the page renders, concurrent requests during
 * a refresh, a refresh token revoked at the provider, revocation at sign-out,
 * calling an API, step-up, big tokens. Assertions about tokens are made at the
 * provider, by introspection, with the tokens read from the sealed cookie.
 */
import type { BrowserContext, Page } from '@playwright/test'
import { LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET } from '../idp/local-client.ts'
import { pairUrls, TEST_SESSION_SECRET, TOKEN_PAIRS, type TokenPair } from './environment.ts'
import { expect, test } from './fixtures.ts'
import { alice, bodyOf, type ErrorBody, expectProviderLogin, openSealedSession, signInAtProvider } from './helpers.ts'

interface SealedSession {
  idToken: string
  accessToken: string
  refreshToken?: string
  accessTokenExpiresAt: number
  refreshAt?: number
}

/** The session cookie(s) of a context, joined and opened with the test secret. */
async function openSessionCookie(context: BrowserContext): Promise<SealedSession | undefined> {
  const cookies = await context.cookies()
  const whole = cookies.find((c) => c.name === 'session')?.value
  const chunks = [0, 1, 2].map((i) => cookies.find((c) => c.name === `session.${i}`)?.value).filter(Boolean)
  const sealed = whole ?? (chunks.length ? chunks.join('') : undefined)
  if (!sealed) return undefined
  return openSealedSession<SealedSession>(sealed, TEST_SESSION_SECRET)
}

/** Asks the provider itself whether a token is still good (RFC 7662). */
async function introspect(page: Page, pair: TokenPair, token: string): Promise<boolean> {
  const response = await page.request.post(`${pairUrls(pair).issuer}/token/introspection`, {
    form: { token },
    headers: { authorization: `Basic ${Buffer.from(`${LOCAL_CLIENT_ID}:${LOCAL_CLIENT_SECRET}`).toString('base64')}` },
  })
  expect(response.status()).toBe(200)
  return (await bodyOf<{ active?: boolean }>(response)).active === true
}

async function revokeAtProvider(page: Page, pair: TokenPair, token: string, hint: string): Promise<void> {
  const response = await page.request.post(`${pairUrls(pair).issuer}/token/revocation`, {
    form: { token, token_type_hint: hint },
    headers: { authorization: `Basic ${Buffer.from(`${LOCAL_CLIENT_ID}:${LOCAL_CLIENT_SECRET}`).toString('base64')}` },
  })
  expect(response.status()).toBe(200)
}

async function signIn(page: Page, pair: TokenPair, path = '/profile'): Promise<SealedSession> {
  await page.goto(`${pairUrls(pair).app}${path}`)
  await signInAtProvider(page, alice)
  await expect(page).toHaveURL(`${pairUrls(pair).app}${path}`)
  const session = await openSessionCookie(page.context())
  expect(session?.refreshToken).toBeDefined()
  return session!
}

/** Waits (really) until the access token is due for refreshing. */
async function waitUntilDue(session: SealedSession): Promise<void> {
  const wait = session.refreshAt! * 1000 - Date.now() + 300
  expect(wait).toBeLessThan(TOKEN_PAIRS.short.accessTokenTtl * 1000)
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
}

test.describe('refresh', () => {
  test('a due access token is refreshed before the page renders, and the new cookie reaches the browser', async ({
    page,
  }) => {
    const before = await signIn(page, 'short')
    await waitUntilDue(before)

    const visited: string[] = []
    page.on('request', (request) => visited.push(new URL(request.url()).pathname))
    await page.goto(`${pairUrls('short').app}/profile`)
    await expect(page.getByTestId('profile-name')).toHaveText('Alice Adams')
    expect(visited.slice(0, 3)).toEqual(['/profile', '/auth/refresh', '/profile'])

    const after = (await openSessionCookie(page.context()))!
    expect(after.accessToken).not.toBe(before.accessToken)
    expect(after.refreshToken).not.toBe(before.refreshToken)
    expect(after.accessTokenExpiresAt).toBeGreaterThan(before.accessTokenExpiresAt)
    expect(await introspect(page, 'short', after.accessToken)).toBe(true)
    // The provider rotated the refresh token: the old one is spent.
    expect(await introspect(page, 'short', before.refreshToken!)).toBe(false)
  })

  test('two concurrent requests during a refresh both succeed, and the rotated refresh token is used once', async ({
    page,
  }) => {
    const before = await signIn(page, 'short')
    await waitUntilDue(before)

    const [first, second] = await Promise.all([
      page.request.get(`${pairUrls('short').app}/api/me`),
      page.request.get(`${pairUrls('short').app}/api/me`),
    ])
    expect(first.status()).toBe(200)
    expect(second.status()).toBe(200)

    // Had the old refresh token been sent twice, the provider would have revoked the whole grant.
    const after = (await openSessionCookie(page.context()))!
    expect(after.refreshToken).not.toBe(before.refreshToken)
    expect(await introspect(page, 'short', after.refreshToken!)).toBe(true)
    await page.goto(`${pairUrls('short').app}/profile`)
    await page.getByRole('button', { name: 'Refresh now' }).click()
    await expect(page).toHaveURL(new RegExp(`^${pairUrls('short').app}/profile\\?refreshed=\\d{10}$`))
    const refreshedAgain = (await openSessionCookie(page.context()))!
    // It says what happened: when, and the new access token's expiry.
    const hhmmss = (seconds: number) => new Date(seconds * 1000).toISOString().slice(11, 19)
    await expect(page.getByTestId('notice')).toContainText(/^Tokens refreshed at \d\d:\d\d:\d\d UTC\./)
    await expect(page.getByTestId('notice')).toContainText(
      `The access token now expires at ${hhmmss(refreshedAgain.accessTokenExpiresAt)} UTC.`,
    )
    expect(refreshedAgain.refreshToken).not.toBe(after.refreshToken)
    expect(await introspect(page, 'short', refreshedAgain.refreshToken!)).toBe(true)
  })

  test('a refresh token revoked at the provider ends the session and sends the user to sign in', async ({ page }) => {
    const session = await signIn(page, 'short')
    await revokeAtProvider(page, 'short', session.refreshToken!, 'refresh_token')
    await waitUntilDue(session)

    await page.goto(`${pairUrls('short').app}/profile`)
    // Back at the provider (its consent page: revoking the refresh token revoked the grant too).
    await page.waitForURL((url) => url.origin === pairUrls('short').issuer && url.pathname.startsWith('/interaction/'))
    expect(await openSessionCookie(page.context())).toBeUndefined()
    expect((await page.request.get(`${pairUrls('short').app}/api/me`)).status()).toBe(401)
  })
})

test.describe('sign-out', () => {
  test('revokes the refresh and access tokens at the provider, then ends its session', async ({ page }) => {
    const session = await signIn(page, 'short')
    expect(await introspect(page, 'short', session.refreshToken!)).toBe(true)

    await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click()
    // At the provider's logout confirmation its own session is still alive, so
    // only the app can have revoked the tokens (ending that session would too).
    await page.waitForURL((url) => url.origin === pairUrls('short').issuer && url.pathname.startsWith('/session/end'))
    expect(await introspect(page, 'short', session.refreshToken!)).toBe(false)
    expect(await introspect(page, 'short', session.accessToken)).toBe(false)

    await page.getByRole('button', { name: 'Yes, sign out of the provider too' }).click()
    // Home, with the state the app sent the provider, and the page says so.
    await expect(page).toHaveURL(new RegExp(`^${pairUrls('short').app}/\\?state=[\\w-]{22}$`))
    await expect(page.getByTestId('signed-out')).toBeVisible()
  })
})

test.describe('calling an API', () => {
  test('the profile calls the demo API with the access token and shows what it answered', async ({ page }) => {
    const session = await signIn(page, 'short')
    await page.getByRole('button', { name: 'Call the API' }).click()
    const result = page.getByTestId('api-result')
    await expect(result).toContainText('"status": 200')
    await expect(result).toContainText('your access token is valid')
    await expect(result).toContainText(`"sub": "${alice.sub}"`)
    await expect(result).not.toContainText(session.accessToken)
  })

  test('/api/call-api answers 401 JSON without a session', async ({ request }) => {
    const response = await request.get(`${pairUrls('short').app}/api/call-api`)
    expect(response.status()).toBe(401)
    expect((await bodyOf<ErrorBody>(response)).error).toBe('unauthorized')
  })
})

test.describe('the profile', () => {
  test('shows the token facts a developer wants, and no raw token', async ({ page }) => {
    const session = await signIn(page, 'short')
    await expect(page.getByTestId('scopes')).toHaveText(/openid/)
    await expect(page.getByTestId('refresh-token')).toHaveText('held')
    await expect(page.getByTestId('access-token-expiry')).toHaveText(/\d+ s|expired/)
    await expect(page.getByTestId('id-token-header').getByRole('row', { name: /^alg RS256$/ })).toBeVisible()
    await expect(page.getByTestId('id-token-claims').getByRole('row', { name: /^aud / })).toContainText(LOCAL_CLIENT_ID)
    const html = await page.content()
    for (const token of [session.accessToken, session.refreshToken!, session.idToken]) expect(html).not.toContain(token)
  })
})

test.describe('step-up', () => {
  test('right after signing in, the sensitive page shows: the provider says when the user signed in (auth_time)', async ({
    page,
  }) => {
    await signIn(page, 'short')
    await page.goto(`${pairUrls('short').app}/profile/security`)
    await expect(page.getByTestId('step-up-ok')).toContainText('less than a minute')
  })

  test("a step-up's sign-in page at the provider says why, with the user filled in, and comes back", async ({
    page,
  }) => {
    await signIn(page, 'short')
    const query = new URLSearchParams({
      returnTo: '/profile/security',
      prompt: 'login',
      max_age: '300',
      login_hint: alice.username,
    })
    await page.goto(`${pairUrls('short').app}/auth/login?${query}`)
    await expectProviderLogin(page)
    // The provider asks for the password again although its session is alive, and says why.
    await expect(page.getByTestId('step-up-reason')).toContainText('asks you to sign in again to confirm it is you')
    await expect(page.getByLabel('Username')).toHaveValue(alice.username)
    await page.getByLabel('Password').fill(alice.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page).toHaveURL(`${pairUrls('short').app}/profile/security`)
    await expect(page.getByTestId('step-up-ok')).toContainText('less than a minute')
  })

  test('acr_values asked for and returned: the login succeeds', async ({ page }) => {
    await page.goto(`${pairUrls('short').app}/auth/login?returnTo=/profile&acr_values=urn:local:password`)
    await signInAtProvider(page, alice)
    await expect(
      page.getByTestId('id-token-claims').getByRole('row', { name: /^acr urn:local:password$/ }),
    ).toBeVisible()
  })
})

test.describe('big tokens', () => {
  test('Oracle-sized ID and access tokens: login, profile, API call work; the session spans cookies within 8 KiB; sign-out removes every chunk', async ({
    page,
  }) => {
    const { app, issuer } = pairUrls('big')
    const authorize = page.waitForRequest((r) => r.url().startsWith(`${issuer}/auth?`))
    await page.goto(`${app}/profile`)
    // This provider's discovery requires PAR: the app pushed the request without being told to.
    expect([...new URL((await authorize).url()).searchParams.keys()].sort()).toEqual(['client_id', 'request_uri'])
    await signInAtProvider(page, alice)
    await expect(page.getByTestId('profile-name')).toHaveText('Alice Adams')
    await expect(page.getByTestId('claims').getByRole('row', { name: /^groups / })).toContainText('app-role-047')

    const session = (await openSessionCookie(page.context()))!
    // A JWT access token (as IDCS issues them) and an ID token, each with ~3 KB of groups.
    expect(session.accessToken.split('.')).toHaveLength(3)
    expect(session.accessToken.length).toBeGreaterThanOrEqual(4200)
    expect(session.idToken.length).toBeGreaterThanOrEqual(4200)
    const cookies = (await page.context().cookies()).filter((c) => c.name.startsWith('session'))
    expect(cookies.length).toBeGreaterThan(1)
    expect(cookies.map((c) => c.name).sort()).toEqual(cookies.map((_, i) => `session.${i}`))
    for (const cookie of cookies) expect(cookie.name.length + cookie.value.length).toBeLessThan(4096)
    // Compact before sealing: the whole Cookie header fits nginx's default 8 KiB buffer.
    const cookieHeader = cookies.map((c) => `${c.name}=${c.value}`).join('; ')
    expect(cookieHeader.length).toBeLessThan(8 * 1024)

    await page.getByRole('button', { name: 'Call the API' }).click()
    await expect(page.getByTestId('api-result')).toContainText('"status": 200')
    expect((await page.request.get(`${app}/api/me`)).status()).toBe(200)

    await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click()
    await page.getByRole('button', { name: 'Yes, sign out of the provider too' }).click()
    await expect(page).toHaveURL(new RegExp(`^${app}/\\?state=[\\w-]{22}$`))
    expect((await page.context().cookies()).filter((c) => c.name.startsWith('session'))).toEqual([])
  })
})
