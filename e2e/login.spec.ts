/**
 * The whole app, end to end: a real Chromium, the production build, and the
 * embedded oidc-provider, each over real HTTP on loopback.
 */
import { expect, test } from './fixtures.ts'
import { APP_BASE_URL, IDP_ISSUER } from './environment.ts'
import {
  alice,
  bob,
  bodyOf,
  type ErrorBody,
  expectProviderLogin,
  type MeBody,
  sessionCookie,
  signInAtProvider,
} from './helpers.ts'

test('signs in through the provider and shows the profile', async ({ page }) => {
  await page.goto('/')
  await expect(page.getByRole('heading', { name: 'OpenID Connect login for Next.js' })).toBeVisible()
  await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).click()

  await signInAtProvider(page, alice)

  // The header's Sign in starts a login with no returnTo: we land on the home page, signed in.
  await expect(page).toHaveURL(`${APP_BASE_URL}/`)
  await expect(page.getByTestId('user-name')).toHaveText('Alice Adams')
  await page.getByRole('link', { name: 'View your profile' }).click()

  await expect(page).toHaveURL(`${APP_BASE_URL}/profile`)
  await expect(page.getByTestId('profile-name')).toHaveText('Alice Adams')
  await expect(page.getByTestId('profile-email')).toHaveText('alice@example.com')
  await expect(page.getByTestId('session-expiry')).toContainText(/Session expires in (7 h 5\d|8 h 0) min/)
  const claims = page.getByTestId('claims')
  await expect(claims.getByRole('row', { name: /^sub 248289761001$/ })).toBeVisible()
  await expect(claims.getByRole('row', { name: /^locale en-GB$/ })).toBeVisible()
  await expect(claims.getByRole('row', { name: /^email_verified true$/ })).toBeVisible()
  // The picture claim is shown as the avatar, loaded from the provider.
  const avatar = page.locator('section img').first()
  await expect(avatar).toHaveAttribute('src', new RegExp(`^${IDP_ISSUER}/avatars/alice\\.svg`))
  await expect.poll(() => avatar.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0)

  // The pages ran their scripts under the nonce: React hydrated and client-side navigation works.
  const csp = (await page.request.get('/profile')).headers()['content-security-policy']
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/)
  await page.evaluate(() => ((window as { marker?: number }).marker = 1))
  await page.getByRole('banner').getByRole('link', { name: 'Home' }).click()
  await expect(page).toHaveURL(`${APP_BASE_URL}/`)
  expect(await page.evaluate(() => (window as { marker?: number }).marker)).toBe(1)
})

test('the home page is prerendered for a visitor without a session, and rendered with the user for one who has it', async ({
  page,
  playwright,
}) => {
  // A visitor with no cookie gets the HTML built ahead, which shared caches are told not to keep.
  const anonymous = await playwright.request.newContext({ baseURL: APP_BASE_URL })
  const first = await anonymous.get('/')
  expect(first.status()).toBe(200)
  expect(first.headers()['x-nextjs-cache']).toBe('HIT')
  expect(first.headers()['cache-control']).toMatch(/s-maxage=\d+/)
  expect(first.headers()['cdn-cache-control']).toBe('no-store')
  expect(first.headers()['surrogate-control']).toBe('no-store')
  expect(first.headers()['content-security-policy']).toMatch(/^default-src 'self'; script-src 'self' 'unsafe-inline';/)
  expect(first.headers()['content-security-policy']).toContain("frame-ancestors 'none'")
  const html = await first.text()
  expect(html).toContain('OpenID Connect login for Next.js')
  expect(html).not.toContain('data-testid="user-name"')
  // Byte for byte the same for the next visitor: nothing of a request is in it.
  expect(await (await anonymous.get('/?utm_source=mail')).text()).toBe(html)
  await anonymous.dispose()

  // Its scripts run under the static policy: a client-side navigation keeps the page's state.
  await page.goto('/')
  await page.evaluate(() => ((window as { marker?: number }).marker = 1))
  await page.getByRole('banner').getByRole('link', { name: 'Home' }).click()
  await expect(page.getByRole('heading', { name: 'OpenID Connect login for Next.js' })).toBeVisible()
  expect(await page.evaluate(() => (window as { marker?: number }).marker)).toBe(1)

  await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).click()
  await signInAtProvider(page, alice)
  await expect(page.getByTestId('user-name')).toHaveText('Alice Adams')
  // The same address, for the signed-in visitor: rendered for this request, under a nonce, and never kept.
  const mine = await page.request.get('/')
  expect(mine.headers()['x-nextjs-cache']).toBeUndefined()
  expect(mine.headers()['cache-control']).toMatch(/private.*no-store/)
  expect(mine.headers()['cdn-cache-control']).toBe('no-store')
  expect(mine.headers()['content-security-policy']).toMatch(
    /script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/,
  )
  expect(await mine.text()).toContain('Alice Adams')

  // An address with nothing there: the not-found page, titled so, in the site's frame: the user still sees who they are.
  const missing = await page.goto('/no-such-page')
  expect(missing?.status()).toBe(404)
  await expect(page).toHaveTitle('Page not found · OIDC Login for Next.js')
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible()
  await expect(page.getByTestId('user-name')).toHaveText('Alice Adams')
})

test('the session cookie is sealed, HttpOnly, SameSite=Lax and expires', async ({ page }) => {
  await page.goto('/auth/login')
  await signInAtProvider(page, bob)
  await expect(page.getByTestId('user-name')).toHaveText('Bob Baker')

  const cookie = await sessionCookie(page)
  expect(cookie).toBeDefined()
  expect(cookie!.httpOnly).toBe(true)
  expect(cookie!.sameSite).toBe('Lax')
  expect(cookie!.path).toBe('/')
  const hoursLeft = (cookie!.expires - Date.now() / 1000) / 3600
  expect(hoursLeft).toBeGreaterThan(7.9)
  expect(hoursLeft).toBeLessThanOrEqual(8)
  // Sealed, not readable: neither the user's email nor a JWT is in it.
  expect(cookie!.value).toMatch(/^Fe26\.2\*/)
  expect(cookie!.value).not.toContain('bob@example.org')
  // No readable JWT: an encoded JWT header starts eyJhbGci ('{"alg"'); plain 'eyJ' can occur in ciphertext by chance.
  expect(cookie!.value).not.toContain('eyJhbGci')
  // The login transaction cookie is gone once the login completed.
  expect((await page.context().cookies()).filter((c) => c.name.startsWith('txn.'))).toEqual([])
})

test('opening /profile signed out goes through the provider and comes back to it', async ({ page }) => {
  await page.goto('/profile?tab=claims')
  await signInAtProvider(page, alice)
  await expect(page).toHaveURL(`${APP_BASE_URL}/profile?tab=claims`)
  await expect(page.getByTestId('profile-name')).toHaveText('Alice Adams')
})

test('signing out ends the session here and at the provider', async ({ page }) => {
  await page.goto('/profile')
  await signInAtProvider(page, alice)
  await expect(page.getByTestId('profile-name')).toHaveText('Alice Adams')

  const endSession = page.waitForRequest((r) => r.url().startsWith(`${IDP_ISSUER}/session/end?`))
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click()
  // The provider asks to confirm (RP-Initiated Logout), then sends us home with the state we sent it.
  const state = new URL((await endSession).url()).searchParams.get('state')
  expect(state).toMatch(/^[\w-]{22}$/)
  await expect(page).toHaveURL(new RegExp(`^${IDP_ISSUER}/session/end`))
  await expect(page.getByRole('heading', { name: 'Sign out of the Local Identity Provider too?' })).toBeVisible()
  await page.getByRole('button', { name: 'Yes, sign out of the provider too' }).click()
  await expect(page).toHaveURL(`${APP_BASE_URL}/?state=${state}`)
  await expect(page.getByTestId('signed-out')).toContainText(
    'You are signed out of this app, and your identity provider has ended its session too',
  )
  await expect(page.getByRole('banner').getByRole('link', { name: 'Sign in' })).toBeVisible()
  expect(await sessionCookie(page)).toBeUndefined()
  // Anyone can open /?state=…; without the state this browser sent, nothing is claimed.
  await page.context().clearCookies()
  await page.goto(`/?state=${state}`)
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
  await expect(page.getByTestId('signed-out')).toHaveCount(0)

  // /profile is closed again, and the provider asks for a password again:
  // had only our cookie been cleared, its own session would sign us straight back in.
  await page.goto('/profile')
  await expectProviderLogin(page)
})

test('/api/me answers 401 without a session and the user with one', async ({ page }) => {
  const before = await page.request.get('/api/me')
  expect(before.status()).toBe(401)
  expect(await before.json()).toEqual({
    error: 'unauthorized',
    error_description: expect.stringContaining('Sign in'),
  })

  await page.goto('/auth/login?returnTo=/api/me')
  await signInAtProvider(page, bob)
  await expect(page).toHaveURL(`${APP_BASE_URL}/api/me`)

  const after = await page.request.get('/api/me')
  expect(after.status()).toBe(200)
  const body = await bodyOf<MeBody>(after)
  expect(body.user).toMatchObject({ sub: bob.sub, name: 'Bob Baker', email: 'bob@example.org', email_verified: false })
  expect(Date.parse(body.session.expiresAt)).toBeGreaterThan(Date.now())
  // Tokens stay on the server.
  expect(JSON.stringify(body)).not.toMatch(/eyJ|token/i)
})

test('denying consent at the provider shows the error page', async ({ page }) => {
  await page.goto('/profile')
  const callback = page.waitForResponse((r) => r.url().startsWith(`${APP_BASE_URL}/auth/callback`))
  await signInAtProvider(page, alice, 'deny')

  expect((await callback).status()).toBe(400)
  await expect(page.getByRole('heading', { name: 'The identity provider did not sign you in' })).toBeVisible()
  await expect(page.locator('#provider-error')).toHaveText('access_denied')
  await expect(page.locator('#provider-error-description')).toHaveText(
    'The user declined to share their profile with the app.',
  )
  await expect(page.getByText(/at .*\.(ts|js):\d+/)).toHaveCount(0)
  const retry = page.getByRole('link', { name: 'Try signing in again' })
  await expect(retry).toHaveAttribute('href', '/auth/login?returnTo=%2Fprofile')

  expect((await page.request.get('/api/me')).status()).toBe(401)
  expect(await sessionCookie(page)).toBeUndefined()
})

test('a tampered session cookie counts as signed out', async ({ page, context }) => {
  await page.goto('/auth/login')
  await signInAtProvider(page, alice)
  await expect(page.getByTestId('user-name')).toHaveText('Alice Adams')

  const cookie = (await sessionCookie(page))!
  // Flip one character in the middle of the encrypted part.
  const i = Math.floor(cookie.value.length / 2)
  const flipped = cookie.value[i] === 'A' ? 'B' : 'A'
  const tampered = { ...cookie, value: cookie.value.slice(0, i) + flipped + cookie.value.slice(i + 1) }
  await context.addCookies([tampered])

  // A public page still renders, signed out.
  const home = await page.goto('/')
  expect(home!.status()).toBe(200)
  await expect(page.getByRole('banner').getByRole('link', { name: 'Sign in' })).toBeVisible()

  // The private page is closed: middleware sends the browser to sign in, and drops the dead cookie.
  const profile = await page.request.get('/profile', { maxRedirects: 0 })
  expect(profile.status()).toBe(307)
  expect(profile.headers().location).toBe('/auth/login?returnTo=%2Fprofile')
  expect(await sessionCookie(page)).toBeUndefined()

  await context.addCookies([tampered])
  const me = await page.request.get('/api/me')
  expect(me.status()).toBe(401)
  expect((await bodyOf<ErrorBody>(me)).error).toBe('unauthorized')
})

test('two tabs signing in at once both succeed', async ({ context }) => {
  const first = await context.newPage()
  const second = await context.newPage()
  await first.goto('/profile')
  await second.goto('/auth/login?returnTo=/api/me')
  // Both logins are now waiting at the provider, each with its own state and PKCE verifier.
  await expectProviderLogin(first)
  await expectProviderLogin(second)

  await signInAtProvider(first, alice)
  await expect(first.getByTestId('profile-name')).toHaveText('Alice Adams')

  await signInAtProvider(second, alice, 'none')
  await expect(second).toHaveURL(`${APP_BASE_URL}/api/me`)
  await expect(second.locator('body')).toContainText('"sub":"248289761001"')
})

test('a forged callback gets a 400 page and no session', async ({ page }) => {
  const forged = await page.goto(
    '/auth/callback?code=stolen-or-made-up&state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  )
  expect(forged!.status()).toBe(400)
  await expect(page.getByRole('heading', { name: 'This sign-in link is not valid' })).toBeVisible()
  await expect(page.getByRole('link', { name: 'Try signing in again' })).toBeVisible()
  expect(await sessionCookie(page)).toBeUndefined()
  expect((await page.request.get('/api/me')).status()).toBe(401)
})

test("a crafted error callback does not put the attacker's words or markup on our page", async ({ page }) => {
  const text = 'Your account is locked. Call +1 555 0100 <img src=x onerror="window.pwned=1">'
  const response = await page.goto(
    `/auth/callback?error=access_denied&error_description=${encodeURIComponent(text)}&state=forged`,
  )
  expect(response!.status()).toBe(400)
  await expect(page.getByRole('heading', { name: 'This sign-in link is not valid' })).toBeVisible()
  // Without a matching login transaction, nothing from the query is shown, escaped or not.
  await expect(page.locator('body')).not.toContainText('Call +1 555 0100')
  expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined()
})

test('opened at 127.0.0.1 while APP_BASE_URL names localhost, signing in still works: the login moves to localhost first', async ({
  page,
}) => {
  const other = APP_BASE_URL.replace('localhost', '127.0.0.1')
  await page.goto(`${other}/`)
  await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).click()
  await signInAtProvider(page, alice)
  await expect(page).toHaveURL(`${APP_BASE_URL}/`)
  await expect(page.getByTestId('user-name')).toHaveText('Alice Adams')
})
