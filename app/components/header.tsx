import Link from 'next/link'
import { AUTH_ROUTES, loginPath } from '@/lib/routes'
import { displayName, sessionUser } from '@/lib/session/claims'
import type { SessionState } from '@/lib/session/state'
import { Avatar } from './avatar'

/**
 * The top bar. Links to auth and private routes are plain <a>: a client-side
 * fetch that bounces to the provider is blocked by the CSP's connect-src.
 * Sign out is a form POST: only our own pages can sign a user out.
 */
export function Header({ state }: { state: SessionState }) {
  const user = state.status === 'active' ? sessionUser(state.session) : null
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-4xl items-center justify-between gap-3 px-4 py-3 sm:px-6">
        <nav className="flex items-center gap-4 text-sm sm:gap-6">
          <Link href="/" className="font-semibold text-slate-900">
            OIDC Login
          </Link>
          <Link href="/" className="text-slate-600 hover:text-slate-900">
            Home
          </Link>
          <a href="/profile" className="text-slate-600 hover:text-slate-900">
            Profile
          </a>
        </nav>
        {user ? (
          <div className="flex items-center gap-3 text-sm">
            <Avatar user={user} size="small" />
            {/* On a phone the avatar stands for the name: the bar keeps to the screen's width. */}
            <span data-testid="user-name" className="hidden font-medium sm:inline">
              {displayName(user)}
            </span>
            <form method="post" action={AUTH_ROUTES.logout}>
              <button
                type="submit"
                className="rounded-md border border-slate-300 px-3 py-1.5 whitespace-nowrap text-slate-700 hover:bg-slate-100"
              >
                Sign out
              </button>
            </form>
          </div>
        ) : state.status === 'unverifiable' ? (
          <span role="status" data-testid="sessions-unavailable" className="text-sm text-amber-800">
            Signing in is paused: sessions cannot be checked right now
          </span>
        ) : (
          <a
            href={loginPath()}
            className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-500"
          >
            Sign in
          </a>
        )}
      </div>
    </header>
  )
}
