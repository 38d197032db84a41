/**
 * A full sign-in over plain HTTP, as a browser would do it: the app's login
 * redirect, the provider's login form, its consent form, the callback, and the
 * private page, following each redirect by hand with a cookie jar.
 *
 * Every login uses a fresh jar, for the provider's origin too: the provider then
 * remembers no session or consent, shows both forms every time, and each login
 * is the whole flow a new visitor goes through.
 */
import { performance } from 'node:perf_hooks'
import { DEMO_USERS, type DemoUser } from '../../idp/users.ts'
import { CookieJar } from './cookie-jar.ts'
import { BROWSER_USER_AGENT } from './settings.ts'

/** login, authorize, interaction, login form, resume, consent page, confirm, resume, callback, profile: 10, with room to spare. */
const MAX_STEPS = 20
const STEP_TIMEOUT_MS = 15_000

export const alice: DemoUser = DEMO_USERS.find((u) => u.username === 'alice')!

export interface Login {
  /** Milliseconds from GET /auth/login to the private page's 200. */
  readonly ms: number
  /** The jar afterwards, holding the session cookie(s). */
  readonly jar: CookieJar
}

export class LoginFailed extends Error {
  constructor(message: string, trail: readonly string[]) {
    super(`Login failed: ${message}\n  steps: ${trail.join('\n         ')}`)
    this.name = 'LoginFailed'
  }
}

interface Page {
  readonly url: URL
  readonly response: Response
  readonly body: string
}

/** One request with the jar's cookies for its URL, storing whatever cookies come back. */
async function request(jar: CookieJar, url: URL, form?: URLSearchParams): Promise<Page> {
  const headers: Record<string, string> = { 'user-agent': BROWSER_USER_AGENT, accept: 'text/html' }
  const cookie = jar.header(url)
  if (cookie) headers.cookie = cookie
  if (form) headers['content-type'] = 'application/x-www-form-urlencoded'
  const response = await fetch(url, {
    method: form ? 'POST' : 'GET',
    headers,
    body: form?.toString(),
    redirect: 'manual',
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  })
  jar.store(url, response)
  return { url, response, body: await response.text() }
}

function decodeHtml(text: string): string {
  return text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&')
}

/** The absolute action of the page's form whose action ends with `/<suffix>`, if there is one. */
function formAction(page: Page, suffix: string): URL | undefined {
  for (const match of page.body.matchAll(/<form\b[^>]*\baction="([^"]*)"/g)) {
    const action = decodeHtml(match[1] ?? '')
    if (action.endsWith(`/${suffix}`)) return new URL(action, page.url)
  }
  return undefined
}

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400
}

/**
 * What the browser does next on this page: follow a redirect, fill in the
 * provider's login form, allow on its consent form, or stop (undefined).
 */
function nextStep(page: Page, user: DemoUser): { url: URL; form?: URLSearchParams } | undefined {
  const { status } = page.response
  if (isRedirect(status)) {
    const location = page.response.headers.get('location')
    return location ? { url: new URL(location, page.url) } : undefined
  }
  if (status !== 200) return undefined
  const login = formAction(page, 'login')
  if (login) return { url: login, form: new URLSearchParams({ username: user.username, password: user.password }) }
  const confirm = formAction(page, 'confirm')
  if (confirm) return { url: confirm, form: new URLSearchParams() }
  return undefined
}

/**
 * Signs `user` in at the app on `baseUrl` and lands on /profile. Throws
 * LoginFailed, naming every step taken, unless the flow went through the
 * provider's login form, its consent form and the app's callback, and the
 * private page answered 200.
 */
export async function signIn(baseUrl: string, user: DemoUser = alice): Promise<Login> {
  const jar = new CookieJar()
  const app = new URL(baseUrl)
  const trail: string[] = []
  const seen = { loginForm: 0, consent: 0, callback: 0 }
  const started = performance.now()
  let step: { url: URL; form?: URLSearchParams } | undefined = { url: new URL('/auth/login?returnTo=/profile', app) }
  for (let i = 0; i < MAX_STEPS && step; i++) {
    const page = await request(jar, step.url, step.form)
    trail.push(`${step.form ? 'POST' : 'GET'} ${page.url.origin}${page.url.pathname} → ${page.response.status}`)
    if (page.url.origin === app.origin && page.url.pathname === '/auth/callback') {
      seen.callback++
      if (page.response.status !== 303) throw new LoginFailed(`the callback answered ${page.response.status}`, trail)
    }
    if (page.url.origin === app.origin && page.url.pathname === '/profile' && page.response.status === 200) {
      const ms = performance.now() - started
      if (seen.loginForm !== 1 || seen.consent !== 1 || seen.callback !== 1) {
        throw new LoginFailed(
          `expected one login form, one consent and one callback; saw ${JSON.stringify(seen)}`,
          trail,
        )
      }
      return { ms, jar }
    }
    step = nextStep(page, user)
    if (step?.form?.has('username')) seen.loginForm++
    else if (step?.form) seen.consent++
  }
  throw new LoginFailed(
    step ? `no private page within ${MAX_STEPS} steps` : 'the flow stopped on a page the browser cannot act on',
    trail,
  )
}
