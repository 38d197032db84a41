/**
 * The README's first command, as a person runs it: `npm run dev` with nothing
 * configured starts the embedded provider, prints the demo users, and serves an
 * app a person can sign in to, look around in (without the page reloading by
 * itself), and sign out of. Development mode differs from the production build
 * the other suites test (its runtime, its CSP), so it gets a run of its own.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { expect, test } from './fixtures.ts'

const APP = 'http://localhost:3190'

let dev: ChildProcess
let output = ''

test.beforeAll(async () => {
  test.setTimeout(120_000)
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    APP_BASE_URL: APP,
    LOCAL_IDP_PORT: '4590',
    NEXT_TELEMETRY_DISABLED: '1',
  }
  for (const name of ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'SESSION_SECRET', 'API_ENDPOINT'])
    delete env[name]
  dev = spawn(process.execPath, ['--experimental-strip-types', 'scripts/dev.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  dev.stdout!.on('data', (chunk: Buffer) => (output += String(chunk)))
  dev.stderr!.on('data', (chunk: Buffer) => (output += String(chunk)))
  // A dev server that stops at start says why here, instead of the poll timing out on "Received: undefined".
  const exited = new Promise<never>((_, reject) =>
    dev.once('close', (code) => {
      const plain = output.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
      reject(
        new Error(
          /Another next dev server is already running/.test(plain)
            ? 'An `npm run dev` is already running in this folder, and Next allows one per folder. Stop it (Ctrl-C), then run the tests again.'
            : `\`npm run dev\` stopped at start (exit code ${code}). It printed:\n${plain.slice(-2000)}`,
        ),
      )
    }),
  )
  const ready = expect
    .poll(async () => (await fetch(APP).catch(() => undefined))?.status, { timeout: 90_000, intervals: [500] })
    .toBe(200)
  await Promise.race([ready, exited])
})

test.afterAll(async () => {
  if (dev.exitCode !== null || dev.signalCode !== null) return
  // dev.ts forwards the signal to next dev and closes the provider.
  if (dev.pid) process.kill(-dev.pid, 'SIGINT')
  await new Promise((resolve) => dev.once('exit', resolve))
})

test('npm run dev: demo users printed, sign in, profile steady, API call, sign out', async ({ page }) => {
  test.setTimeout(90_000)
  expect(output).toContain(`Open ${APP} and sign in.`)
  const [, username, password] = /^\s+(alice)\s+password: (\S+)/m.exec(output) ?? []
  expect(username).toBe('alice')

  await page.goto(APP)
  await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).click()
  await page.getByLabel('Username').fill(username!)
  await page.getByLabel('Password').fill(password!)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('button', { name: 'Allow' }).click()
  await expect(page.getByTestId('user-name')).toHaveText('Alice Adams')

  const loads: string[] = []
  page.on('load', () => loads.push(page.url()))
  await page.getByRole('link', { name: 'View your profile' }).click()
  await expect(page.getByTestId('profile-name')).toHaveText('Alice Adams')
  await page.waitForTimeout(3_000)
  expect(
    loads.filter((url) => url === `${APP}/profile`),
    'the profile page reloaded by itself',
  ).toHaveLength(1)

  await page.getByRole('button', { name: 'Call the API' }).click()
  // `next dev` compiles /api/call-api on this first call: on a machine busy with the other suites that takes a while.
  await expect(page.getByTestId('api-result')).toContainText('"status": 200', { timeout: 30_000 })

  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click()
  await page.getByRole('button', { name: 'Yes, sign out of the provider too' }).click()
  await expect(page).toHaveURL(new RegExp(`^${APP}/\\?state=[\\w-]{22}$`))
  await expect(page.getByTestId('signed-out')).toContainText('You are signed out of this app')
  await expect(page.getByRole('banner').getByRole('link', { name: 'Sign in' })).toBeVisible()
})
