/**
 * The embedded session store (the default, no REDIS_URL) keeps what it must on
 * disk: a session signed out before a restart stays signed out after it, and a
 * session that was not signed out goes on. The test starts, stops and starts
 * again an app instance of its own, as a deploy on one machine does.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import { expect, test, type APIRequestContext } from '@playwright/test'
import { HOSTILE_APPS, HOSTILE_SESSION_SECRET, LOG_DIR } from './environment.ts'
import { login, me } from './hostile/client.ts'
import { signOut } from './helpers.ts'

const app = HOSTILE_APPS.restart
const store = `${LOG_DIR}/stores/restart-spec.sqlite`

async function start(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--experimental-strip-types', 'e2e/run-app.ts', 'restart', String(app.port)], {
    env: {
      ...process.env,
      APP_BASE_URL: app.baseUrl,
      SESSION_SECRET: HOSTILE_SESSION_SECRET,
      OIDC_ISSUER: app.issuer,
      OIDC_CLIENT_ID: app.clientId,
      OIDC_CLIENT_SECRET: app.clientSecret,
      SESSION_STORE_PATH: store,
      REDIS_URL: '',
    },
    stdio: 'ignore',
  })
  await expect
    .poll(async () => (await fetch(`${app.baseUrl}/api/health/live`).catch(() => undefined))?.status, {
      timeout: 30_000,
      intervals: [100, 200, 500],
    })
    .toBe(200)
  return child
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}

/** A browser that holds only `cookie`: a copy of another browser's session cookie. */
async function holding(
  playwright: {
    request: { newContext: (options: { extraHTTPHeaders: Record<string, string> }) => Promise<APIRequestContext> }
  },
  cookie: string,
): Promise<APIRequestContext> {
  return playwright.request.newContext({ extraHTTPHeaders: { cookie: `session=${cookie}` } })
}

async function sessionCookieOf(request: APIRequestContext): Promise<string> {
  return (await request.storageState()).cookies.find((c) => c.name === 'session')!.value
}

test('a session signed out before a restart stays signed out after it; one not signed out goes on', async ({
  playwright,
}) => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${store}${suffix}`, { force: true })
  let server = await start()
  const [leaving, staying] = [await playwright.request.newContext(), await playwright.request.newContext()]
  try {
    await login(leaving, 'restart')
    await login(staying, 'restart')
    const copy = await sessionCookieOf(leaving)
    expect((await me(leaving, 'restart')).status()).toBe(200)

    expect((await signOut(leaving, app.baseUrl)).status()).toBe(303)
    const copied = await holding(playwright, copy)
    expect((await copied.get(`${app.baseUrl}/api/me`)).status(), 'signed out, before the restart').toBe(401)

    await stop(server)
    server = await start()

    expect((await copied.get(`${app.baseUrl}/api/me`)).status(), 'still signed out after the restart').toBe(401)
    const page = await copied.get(`${app.baseUrl}/profile`, { maxRedirects: 0 })
    expect(page.status()).toBe(307)
    expect(new URL(page.headers().location!, app.baseUrl).pathname).toBe('/auth/login')
    expect((await me(staying, 'restart')).status(), 'the session not signed out goes on').toBe(200)
    await copied.dispose()
  } finally {
    await Promise.all([leaving.dispose(), staying.dispose()])
    await stop(server)
  }
})
