/**
 * Back-channel logout (OpenID Connect Back-Channel Logout 1.0) from the
 * misbehaving provider: it signs the user in, then POSTs a logout token to the
 * app's /auth/backchannel-logout, correct or wrong in one way. A valid token
 * ends the sessions it names; anything else answers 400 and ends nothing.
 */
import { randomBytes } from 'node:crypto'
import { expect, test, type APIRequestContext } from '@playwright/test'
import { HOSTILE_APPS } from './environment.ts'
import { backchannelLogout, login, me } from './hostile/client.ts'
import { REFUSED_LOGOUT_TOKENS } from './hostile/defects.ts'

const main = HOSTILE_APPS.main

/** A user of the test's own, so ending "every session of the user" touches no other test. */
const ownUser = () => `bcl-user-${randomBytes(6).toString('hex')}`

async function signedIn(request: APIRequestContext, sub?: string): Promise<string> {
  const { state, callback } = await login(request, 'main', 'none', '/profile', {}, sub)
  expect(callback.status(), await callback.text()).toBe(303)
  expect((await me(request, 'main')).status()).toBe(200)
  return state
}

test.describe('a logout token the app must refuse: 400 JSON, no-store, and the session goes on', () => {
  for (const defect of REFUSED_LOGOUT_TOKENS) {
    test(defect, async ({ request }) => {
      const state = await signedIn(request)
      const answer = await backchannelLogout(request, 'main', state, defect)
      expect(answer.status).toBe(400)
      expect(answer.body).toMatchObject({ error: 'invalid_request', error_description: expect.any(String) })
      expect(answer.cacheControl).toContain('no-store')
      expect((await me(request, 'main')).status()).toBe(200)
    })
  }
})

test("a valid logout token ends that provider session's session, answers 200 no-store, and no other session", async ({
  request,
  playwright,
}) => {
  const other = await playwright.request.newContext()
  await signedIn(other)
  const state = await signedIn(request)

  const answer = await backchannelLogout(request, 'main', state, 'none')
  expect(answer.status).toBe(200)
  expect(answer.cacheControl).toContain('no-store')
  const after = await me(request, 'main')
  expect(after.status()).toBe(401)
  // The dead cookie goes with the answer.
  expect(after.headersArray().some((h) => h.name.toLowerCase() === 'set-cookie' && /^session=;/.test(h.value))).toBe(
    true,
  )
  expect((await request.get(`${main.baseUrl}/profile`, { maxRedirects: 0 })).status()).toBe(307)
  // Another login of the same user at the provider is another provider session: it goes on.
  expect((await me(other, 'main')).status()).toBe(200)
  await other.dispose()
})

test("a logout token with only `sub` ends every session of that user, and no one else's", async ({
  request,
  playwright,
}) => {
  const sub = ownUser()
  const laptop = await playwright.request.newContext()
  const stranger = await playwright.request.newContext()
  await signedIn(laptop, sub)
  await signedIn(stranger, ownUser())
  const state = await signedIn(request, sub)

  expect((await backchannelLogout(request, 'main', state, 'sub-only')).status).toBe(200)
  expect((await me(request, 'main')).status()).toBe(401)
  expect((await me(laptop, 'main')).status()).toBe(401)
  expect((await me(stranger, 'main')).status()).toBe(200)
  await Promise.all([laptop.dispose(), stranger.dispose()])
})

test('a replayed logout token (same jti) is refused and ends nothing, not even sessions begun since', async ({
  request,
  playwright,
}) => {
  const sub = ownUser()
  const first = await signedIn(request, sub)
  expect((await backchannelLogout(request, 'main', first, 'sub-only')).status).toBe(200)
  expect((await me(request, 'main')).status()).toBe(401)

  // The user signs in again; then someone replays the old token.
  const later = await playwright.request.newContext()
  await signedIn(later, sub)
  const replay = await backchannelLogout(request, 'main', first, 'sub-only', true)
  expect(replay.status).toBe(400)
  expect(replay.body).toMatchObject({
    error: 'invalid_request',
    error_description: expect.stringMatching(/already used/),
  })
  expect((await me(later, 'main')).status()).toBe(200)
  await later.dispose()
})

test('a request that carries no logout token is refused', async ({ request }) => {
  const endpoint = `${main.baseUrl}/auth/backchannel-logout`
  for (const attempt of [
    request.post(endpoint),
    request.post(endpoint, { form: { something: 'else' } }),
    request.post(endpoint, { data: { logout_token: 'x.y.z' } }),
    request.post(endpoint, { form: { logout_token: 'not-a-jwt' } }),
  ]) {
    const response = await attempt
    expect(response.status()).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_request' })
  }
  expect((await request.get(endpoint)).status()).toBe(405)
})
