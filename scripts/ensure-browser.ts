/**
 * Makes sure Playwright has a Chromium to drive, so `npm test` is one command
 * everywhere: Debian's /usr/bin/chromium where installed (playwright.config.ts
 * uses it), otherwise Playwright's own build, downloaded once.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chromium } from '@playwright/test'

const system = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
if (!existsSync(system) && !existsSync(chromium.executablePath())) {
  console.log('No Chromium found for Playwright: installing its own (npx playwright install chromium).')
  execFileSync('npx', ['playwright', 'install', 'chromium'], { stdio: 'inherit' })
}
