import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { getConfig, offersChoice } from '@/lib/config'
import { safeReturnTo } from '@/lib/http/return-to'
import { authorizationOptions, authorizationParameters } from '@/lib/oidc/auth-params'
import { AUTH_ROUTES, loginPath } from '@/lib/routes'

export const metadata: Metadata = { title: 'Sign in' }

/**
 * The sign-in page where several providers are configured (OIDC_PROVIDERS):
 * middleware serves it at /auth/login. A button per provider, in the order
 * configured, each starting at /auth/login/<id> with where the user was going
 * and the login's options; and an e-mail field, whose domain /auth/login
 * matches exactly against each provider's OIDC_<ID>_DOMAINS. An address no
 * provider claims comes back here with the same words whatever it was, so the
 * page says nothing about which organizations are set up.
 */
export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>
}) {
  const { providers, session } = getConfig()
  if (!offersChoice(providers)) notFound()
  const query = new URLSearchParams()
  for (const [name, value] of Object.entries(await searchParams)) if (typeof value === 'string') query.set(name, value)
  const returnTo = safeReturnTo(query.get('returnTo'), session.appBaseUrl)
  // Only the allow-listed options go on, in their checked form (lib/oidc/auth-params.ts).
  const options = Object.fromEntries(authorizationParameters(authorizationOptions(query)))
  const { login_hint: hint, ...kept } = options
  const unmatched = query.has('login_hint')

  return (
    <div className="mx-auto max-w-md space-y-8" data-testid="sign-in">
      <div className="space-y-2">
        <h1 className="text-2xl font-bold tracking-tight">Sign in</h1>
        <p className="text-slate-600">
          Choose how you sign in, or enter your work e-mail address and we will take you to your organization.
        </p>
      </div>
      {unmatched && (
        <p
          role="status"
          data-testid="no-match"
          className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900"
        >
          That address does not lead to a sign-in of its own here. Choose how to sign in below.
        </p>
      )}
      <ul className="space-y-3" aria-label="Identity providers">
        {providers.list.map((provider) => (
          <li key={provider.id}>
            <a
              href={loginPath(returnTo, options, provider.id)}
              data-provider={provider.id}
              className="block w-full rounded-lg border border-slate-300 bg-white px-4 py-3 text-center font-semibold text-slate-900 shadow-sm hover:border-indigo-400 hover:bg-indigo-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
            >
              Continue with {provider.name}
            </a>
          </li>
        ))}
      </ul>
      <form method="get" action={AUTH_ROUTES.login} className="space-y-3 border-t border-slate-200 pt-6">
        <label htmlFor="login_hint" className="block text-sm font-medium text-slate-700">
          Work e-mail
        </label>
        <div className="flex flex-col gap-3 sm:flex-row">
          <input
            id="login_hint"
            name="login_hint"
            type="email"
            required
            autoComplete="email"
            defaultValue={hint ?? ''}
            placeholder="you@company.example"
            className="min-w-0 flex-1 rounded-lg border border-slate-400 px-3 py-2 text-slate-900 placeholder:text-slate-500 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-600"
          />
          <button
            type="submit"
            className="rounded-lg bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-500 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
          >
            Continue
          </button>
        </div>
        <input type="hidden" name="returnTo" value={returnTo} />
        {Object.entries(kept).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
      </form>
    </div>
  )
}
