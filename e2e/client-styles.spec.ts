/**
 * Client authentication and request styles, against oidc-provider with a client
 * registered for each: it accepts nothing else, so a sign-in that succeeds used
 * the style. private_key_jwt (RFC 7523), PAR (RFC 9126), JAR (RFC 9101).
 */
import { readFileSync } from 'node:fs'
import { CLIENT_STYLES, LOG_DIR, pairUrls, type ClientStyle } from './environment.ts'
import { expect, test } from './fixtures.ts'
import { alice, signInAtProvider } from './helpers.ts'

async function signInWith(page: import('@playwright/test').Page, style: ClientStyle): Promise<URLSearchParams> {
  const app = `http://localhost:${CLIENT_STYLES[style].port}`
  const authorize = page.waitForRequest((r) => r.url().startsWith(`${pairUrls('short').issuer}/auth?`))
  await page.goto(`${app}/profile`)
  const query = new URL((await authorize).url()).searchParams
  await signInAtProvider(page, alice)
  await expect(page).toHaveURL(`${app}/profile`)
  await expect(page.getByTestId('profile-name')).toHaveText('Alice Adams')
  return query
}

test('private_key_jwt: the client authenticates with an assertion signed by its key (a one-line PEM)', async ({
  page,
}) => {
  // The PEM names no kid: the app sends its RFC 7638 thumbprint, says so at start, and the provider (which has the key under that kid) accepts it.
  expect(readFileSync(`${LOG_DIR}/client-private-key-jwt.log`, 'utf8')).toMatch(
    /OIDC_CLIENT_PRIVATE_KEY names no kid; its RFC 7638 thumbprint "[\w-]{43}" is sent as the kid/,
  )
  const query = await signInWith(page, 'pkjwt')
  expect(query.get('client_id')).toBe(CLIENT_STYLES.pkjwt.clientId)
  // The refresh grant authenticates the same way.
  await page.getByRole('button', { name: 'Refresh now' }).click()
  await expect(page.getByTestId('refresh-token')).toHaveText('held')
})

test('PAR: the browser carries only a request_uri; the parameters went to the provider directly', async ({ page }) => {
  const query = await signInWith(page, 'par')
  expect([...query.keys()].sort()).toEqual(['client_id', 'request_uri'])
  expect(query.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/)
})

test('JAR: the parameters travel in a request object signed with the client key (a private JWK)', async ({ page }) => {
  const query = await signInWith(page, 'jar')
  expect([...query.keys()].sort()).toEqual(['client_id', 'request', 'response_type', 'scope'])
  const [header = {}, payload = {}] = query
    .get('request')!
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>)
  expect(header).toMatchObject({ alg: 'ES256', kid: 'e2e-client-key', typ: 'oauth-authz-req+jwt' })
  expect(payload).toMatchObject({
    client_id: CLIENT_STYLES.jar.clientId,
    response_type: 'code',
    code_challenge_method: 'S256',
  })
  expect(payload.state).toMatch(/^[\w-]{43}$/)
})
