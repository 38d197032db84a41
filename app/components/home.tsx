import { displayName, sessionUser } from '@/lib/session/claims'
import { loginPath } from '@/lib/routes'
import type { Session } from '@/lib/session/session'

const STEPS = [
  [
    'Sign in on the server',
    'Authorization code flow with PKCE, state and nonce; tokens are exchanged and validated by route handlers, never in the browser.',
  ],
  [
    'An encrypted cookie',
    'The session is sealed with iron-session: HttpOnly, SameSite=Lax, Secure on https, with an absolute lifetime.',
  ],
  [
    'Private pages',
    'Middleware opens the cookie before a private page renders, with no network call; pages check again.',
  ],
  [
    'Signing out ends it everywhere',
    'Signing out ends the session on every instance, for every copy of its cookie, and at the provider (RP-Initiated Logout); the provider can end it too (back-channel logout).',
  ],
] as const

/** What the home page says above its text: back from signing out, at the provider too or here only. */
export type HomeNotice = 'back-from-provider' | 'signed-out-locally' | undefined

/** The home page's content, for either variant: the user, if any, and a notice, come from the caller. */
export function Home({ session, notice }: { session: Session | null; notice: HomeNotice }) {
  return (
    <div className="space-y-10">
      {notice === 'back-from-provider' && (
        <p
          role="status"
          data-testid="signed-out"
          className="rounded-lg border border-emerald-200 bg-emerald-50 p-4 text-sm text-emerald-900"
        >
          You are signed out of this app, and your identity provider has ended its session too, unless you chose there
          to stay signed in with it.
        </p>
      )}
      {notice === 'signed-out-locally' && (
        <p
          role="status"
          data-testid="signed-out-locally"
          className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900"
        >
          You are signed out of this app. Your identity provider offers no way for apps to end its own session, so you
          may still be signed in there: signing in here again may not ask for your password. Sign out at the provider to
          end it too.
        </p>
      )}
      <section className="space-y-4">
        <h1 className="text-3xl font-bold tracking-tight">OpenID Connect login for Next.js</h1>
        <p className="max-w-2xl text-lg text-slate-600">
          A public page anyone can see, and a private profile only a signed-in user can open. Sign in with any OpenID
          provider: Oracle IDCS / OCI Identity Domains, Okta, Curity, Keycloak, Auth0, Entra ID, Google, or the local
          provider that comes with the app.
        </p>
        {session ? (
          <div className="flex flex-wrap items-center gap-4">
            <p data-testid="welcome">
              Signed in as <strong>{displayName(sessionUser(session))}</strong>.
            </p>
            <a
              href="/profile"
              className="rounded-md bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-500"
            >
              View your profile
            </a>
          </div>
        ) : (
          <a
            href={loginPath('/profile')}
            className="inline-block rounded-md bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-500"
          >
            Sign in
          </a>
        )}
      </section>
      <section className="grid gap-4 sm:grid-cols-2">
        {STEPS.map(([title, text]) => (
          <div key={title} className="rounded-xl border border-slate-200 bg-white p-5">
            <h2 className="font-semibold">{title}</h2>
            <p className="mt-1 text-sm text-slate-600">{text}</p>
          </div>
        ))}
      </section>
    </div>
  )
}
