/**
 * A provider whose certificate comes from a private certificate authority
 * (the local provider on https, e2e/tls.ts): trusted through NODE_EXTRA_CA_CERTS,
 * and refused with a page that names that variable where it is missing.
 */
import { PRIVATE_CA } from './environment.ts'
import { expect, test } from './fixtures.ts'
import { alice, signInAtProvider } from './helpers.ts'

// The browser is not under test here: it may show the provider's pages whatever their certificate.
test.use({ ignoreHTTPSErrors: true })

test('with NODE_EXTRA_CA_CERTS the app talks to the provider over https and signs in', async ({ page }) => {
  const app = `http://localhost:${PRIVATE_CA.trustingPort}`
  await page.goto(`${app}/profile`)
  await page.waitForURL((url) => url.origin === PRIVATE_CA.issuer && url.pathname.startsWith('/interaction/'))
  await signInAtProvider(page, alice)
  await expect(page).toHaveURL(`${app}/profile`)
  await expect(page.getByTestId('profile-name')).toHaveText('Alice Adams')
})

test('without it, the login stops with a page that says how to trust the certificate', async ({ request }) => {
  const response = await request.get(`http://localhost:${PRIVATE_CA.untrustingPort}/auth/login`, { maxRedirects: 0 })
  expect(response.status()).toBe(502)
  const html = await response.text()
  expect(html).toContain('not trusted')
  expect(html).toContain('NODE_EXTRA_CA_CERTS')
})
