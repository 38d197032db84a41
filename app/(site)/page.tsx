import { cookies } from 'next/headers'
import { Home, type HomeNotice } from '@/app/components/home'
import { getConfig } from '@/lib/config'
import { isOurLogoutReturn } from '@/lib/auth/logout-state'
import { cookieName } from '@/lib/cookies/policy'
import { getSession } from '@/lib/session/current'

type Query = Record<string, string | string[] | undefined>

/**
 * The home page, rendered per request: for a visitor holding a session cookie
 * (the header and the page show the user), or back from signing out (the
 * notice). Everyone else gets its prerendered twin, app/anonymous/page.tsx
 * (next.config.ts's rewrites; lib/routes.ts's PRERENDERED_PAGES).
 */
export default async function HomePage({ searchParams }: { searchParams: Promise<Query> }) {
  const session = await getSession()
  return <Home session={session} notice={session ? undefined : await signOutNotice(await searchParams)} />
}

/**
 * Back from signing out: here only (`signed_out=local`), or from the provider's
 * end-session endpoint with the state this browser sent there (lib/auth/logout-state.ts).
 */
async function signOutNotice(query: Query): Promise<HomeNotice> {
  if (query.signed_out === 'local') return 'signed-out-locally'
  const expected = (await cookies()).get(cookieName('logoutState', getConfig().session))?.value
  return isOurLogoutReturn(typeof query.state === 'string' ? query.state : undefined, expected)
    ? 'back-from-provider'
    : undefined
}
