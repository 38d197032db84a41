/**
 * The `test` every browser test uses: the standard one, plus a check that no
 * page of the app broke its own Content-Security-Policy while the test ran.
 * (The providers' pages are theirs: only violations on our origin count.)
 */
import { test as base, expect } from '@playwright/test'
import { APP_BASE_URL } from './environment.ts'

export const test = base.extend({
  page: async ({ page }, use) => {
    const violations: string[] = []
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        console.error(
          `CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'} at ${location.href}`,
        )
      })
    })
    page.on('console', (message) => {
      const text = message.text()
      if (
        /CSP violation|Content Security Policy/i.test(text) &&
        (message.location().url.startsWith(APP_BASE_URL) || text.includes(` at ${APP_BASE_URL}`))
      ) {
        violations.push(text)
      }
    })
    await use(page)
    expect(violations, 'the app broke its own Content-Security-Policy').toEqual([])
  },
})

export { expect }
