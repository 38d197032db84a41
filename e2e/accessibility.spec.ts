/**
 * Every page the app renders, checked with axe-core at a laptop's width and a
 * phone's: no serious or critical violation (WCAG 2.x A and AA rules, and
 * axe's best practices). The providers' own pages are theirs, not checked here.
 */
import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import { APP_BASE_URL, MULTI } from './environment.ts'
import { alice, signInAtProvider } from './helpers.ts'

const WIDTHS = [
  { name: 'laptop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const

async function expectAccessible(page: Page, what: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze()
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(
    serious.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    what,
  ).toEqual([])
}

/** Opens `path` and checks it; `status` is what the page must answer with. */
async function check(page: Page, url: string, status: number, what = url): Promise<void> {
  const response = await page.goto(url)
  expect(response!.status(), what).toBe(status)
  await expectAccessible(page, what)
}

for (const size of WIDTHS) {
  test.describe(`at ${size.width} px (${size.name})`, () => {
    test.use({ viewport: { width: size.width, height: size.height } })

    test('public pages, the sign-in page and the error pages', async ({ page }) => {
      await check(page, '/', 200, 'home, signed out')
      await check(page, '/no-such-page', 404, 'the not-found page')
      await check(page, '/auth/logout', 200, 'sign-out, with nothing to sign out')
      await check(
        page,
        '/auth/callback?code=x&state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        400,
        'a sign-in that failed (400)',
      )
      await check(page, '/auth/no-such-route', 404, "the auth routes' 404")
      await check(page, `${MULTI.baseUrl}/auth/login?returnTo=%2Fprofile`, 200, 'the sign-in page')
      await check(
        page,
        `${MULTI.baseUrl}/auth/login?login_hint=someone%40nowhere.test`,
        200,
        'the sign-in page, an address no provider claims',
      )
      await check(page, `${MULTI.baseUrl}/auth/login/down`, 503, 'a provider that is down (503)')
    })

    test('signed in: home, profile, security, sign-out', async ({ page }) => {
      await page.goto('/profile')
      await signInAtProvider(page, alice)
      await expect(page).toHaveURL(`${APP_BASE_URL}/profile`)
      await expectAccessible(page, 'the profile')
      await check(page, '/', 200, 'home, signed in')
      await check(page, '/profile/security', 200, 'security settings (the step-up page)')
      await check(page, '/auth/logout', 200, 'sign-out, asking first')
    })
  })
}

test('the check finds a violation where there is one (an image without a text alternative, a field without a label)', async ({
  page,
}) => {
  await page.setContent(
    '<!doctype html><html lang="en"><title>Bad</title><main><h1>Bad</h1><img src="data:,"><input type="text"></main></html>',
  )
  const { violations } = await new AxeBuilder({ page }).analyze()
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual(
    expect.arrayContaining(['image-alt', 'label']),
  )
})
