/**
 * Phones: at 360 and 390 px no page of the app, or of the local provider,
 * scrolls sideways, before or after any of its buttons is pressed. A page that
 * is wider than the screen is checked by the browser's own measure
 * (the document's scroll width against the viewport's).
 */
import type { Page } from '@playwright/test'
import { APP_BASE_URL } from './environment.ts'
import { expect, test } from './fixtures.ts'
import { alice, expectProviderLogin, signInAtProvider } from './helpers.ts'

async function expectNoSidewaysScroll(page: Page, where: string): Promise<void> {
  await page.waitForLoadState('load')
  // Against the screen's width, not window.innerWidth: a phone zooms out to fit a page wider than itself.
  const screen = page.viewportSize()!.width
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth)
  expect(scrollWidth, `${where} at ${screen} px is ${scrollWidth} px wide`).toBeLessThanOrEqual(screen)
}

/** Every button and button-like link on the page keeps its label on one line. */
async function expectButtonsOnOneLine(page: Page, where: string): Promise<void> {
  const wrapped = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('button, .actions a')]
      .filter((el) => el.offsetParent !== null)
      .filter((el) => {
        const style = getComputedStyle(el)
        const content =
          el.getBoundingClientRect().height -
          parseFloat(style.paddingTop) -
          parseFloat(style.paddingBottom) -
          parseFloat(style.borderTopWidth) -
          parseFloat(style.borderBottomWidth)
        // `line-height: normal` is about 1.2 times the font size.
        const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2
        return content > line * 1.5
      })
      .map((el) => el.textContent?.trim()),
  )
  expect(wrapped, `${where}: buttons whose label wraps`).toEqual([])
}

for (const width of [360, 390]) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: 800 }, isMobile: true, hasTouch: true })

    test('no page scrolls sideways, before and after every button', async ({ page }) => {
      test.setTimeout(60_000)
      await page.goto('/')
      await expectNoSidewaysScroll(page, 'home, signed out')
      await page.goto('/no-such-page')
      await expectNoSidewaysScroll(page, 'the 404 page')
      await page.goto('/auth/callback?code=x&state=y')
      await expectNoSidewaysScroll(page, 'a sign-in error page')
      await expectButtonsOnOneLine(page, 'a sign-in error page')

      await page.goto('/profile')
      await expectProviderLogin(page)
      await expectNoSidewaysScroll(page, "the provider's login page")
      await page.getByLabel('Username').fill(alice.username)
      await page.getByLabel('Password').fill(alice.password)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await expect(page.getByRole('button', { name: 'Allow' })).toBeVisible()
      await expectNoSidewaysScroll(page, "the provider's consent page")
      await page.getByRole('button', { name: 'Allow' }).click()

      await expect(page.getByTestId('profile-name')).toHaveText('Alice Adams')
      await expectNoSidewaysScroll(page, 'the profile')
      await page.getByRole('button', { name: 'Call the API' }).click()
      await expect(page.getByTestId('api-result')).toContainText('"status": 200')
      await expectNoSidewaysScroll(page, 'the profile after Call the API')
      await page.getByRole('button', { name: 'Refresh now' }).click()
      await expect(page.getByTestId('notice')).toBeVisible()
      await expectNoSidewaysScroll(page, 'the profile after Refresh now')
      await page.goto('/profile/security')
      await expectNoSidewaysScroll(page, 'security settings')
      await page.goto('/')
      await expectNoSidewaysScroll(page, 'home, signed in')
      await page.goto('/auth/logout')
      await expectNoSidewaysScroll(page, 'the sign-out page')
      await expectButtonsOnOneLine(page, 'the sign-out page')
      await page.goto('/profile')
      await expectButtonsOnOneLine(page, 'the profile')

      await page.getByRole('button', { name: 'Sign out', exact: true }).click()
      await expect(page.getByRole('heading', { name: 'Sign out of the Local Identity Provider too?' })).toBeVisible()
      await expectNoSidewaysScroll(page, "the provider's sign-out page")
      await page.getByRole('button', { name: 'Yes, sign out of the provider too' }).click()
      await expect(page).toHaveURL(new RegExp(`^${APP_BASE_URL}/\\?state=`))
      await expectNoSidewaysScroll(page, 'home, after signing out')
    })
  })
}

test.describe('at 390 px, the header', () => {
  test.use({ viewport: { width: 390, height: 800 }, isMobile: true, hasTouch: true })

  test('keeps its sign-out button on one line, and claim values break between words where they can', async ({
    page,
  }) => {
    await page.goto('/profile')
    await signInAtProvider(page, alice)
    await expect(page.getByTestId('profile-name')).toHaveText('Alice Adams')
    const button = page.getByRole('banner').getByRole('button', { name: 'Sign out' })
    const lineHeight = await button.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight))
    const box = (await button.boundingBox())!
    expect(box.height, 'the Sign out button wraps').toBeLessThan(lineHeight * 2)
    // "Alice Adams" is a value that fits: it must not be broken mid-word.
    const name = page
      .getByTestId('claims')
      .getByRole('row', { name: /^name / })
      .getByRole('cell')
    const nameBox = (await name.boundingBox())!
    const nameLine = await name.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight))
    expect(nameBox.height, 'a short claim value broke across lines').toBeLessThan(nameLine * 2 + 16)
  })
})
