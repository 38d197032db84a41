/**
 * Where middleware runs, seen from outside: only middleware sends a policy with
 * a nonce (anything else gets next.config.ts's static policy, or none), so a
 * nonce in the answer means middleware ran for that request.
 */
export interface Reach {
  readonly request: string
  readonly ran: boolean
  /** Whether it should have: the private page must (it proves the probe can see it), the rest must not. */
  readonly expected: boolean
}

async function ranFor(url: string, cookie?: string): Promise<boolean> {
  const response = await fetch(url, { headers: cookie ? { cookie } : {}, redirect: 'manual' })
  await response.arrayBuffer()
  if (response.status !== 200)
    throw new Error(`GET ${url} answered ${response.status} while checking where middleware runs.`)
  return /'nonce-/.test(response.headers.get('content-security-policy') ?? '')
}

/** A script the public page loads: a real static asset of this build. */
async function staticAsset(baseUrl: string): Promise<string> {
  const html = await (await fetch(baseUrl)).text()
  const src = /src="(\/_next\/static\/[^"]+\.js)"/.exec(html)?.[1]
  if (!src) throw new Error('The public page names no /_next/static/ script to check.')
  return new URL(src, baseUrl).href
}

export async function middlewareReach(baseUrl: string, sessionCookie: string): Promise<Reach[]> {
  const asset = await staticAsset(baseUrl)
  return [
    { request: '`/profile`, signed in', ran: await ranFor(`${baseUrl}/profile`, sessionCookie), expected: true },
    { request: '`/`, no session', ran: await ranFor(`${baseUrl}/`), expected: false },
    { request: 'a `/_next/static/` script, no session', ran: await ranFor(asset), expected: false },
    { request: 'a `/_next/static/` script, signed in', ran: await ranFor(asset, sessionCookie), expected: false },
    { request: '`/api/health`, signed in', ran: await ranFor(`${baseUrl}/api/health`, sessionCookie), expected: false },
  ]
}
