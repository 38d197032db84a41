import type { Metadata } from 'next'
import { getConfig, offersChoice } from '@/lib/config'
import { loginPath } from '@/lib/routes'
import { authentication, sessionUser } from '@/lib/session/claims'
import { requireSession } from '@/lib/session/current'
import { nowSeconds } from '@/lib/clock'

export const metadata: Metadata = { title: 'Security settings' }

/** Sensitive pages ask for a recent sign-in: no older than this many seconds. */
const STEP_UP_MAX_AGE = 5 * 60

/**
 * A page that demands a fresh sign-in (step-up). The time of the last sign-in
 * is the validated ID token's `auth_time`, never a userinfo claim of the same
 * name. When it is missing or older than five minutes, the page says why a
 * fresh sign-in is needed before sending anyone away; the link goes through the
 * provider with `prompt=login`, `max_age` and the user's `login_hint`, and the
 * callback checks the new `auth_time` before letting them in.
 */
export default async function SecurityPage() {
  const stepUpOptions = { prompt: 'login', max_age: String(STEP_UP_MAX_AGE) }
  const session = await requireSession('/profile/security', stepUpOptions)

  const { authTime } = authentication(session)
  const age = authTime !== undefined ? Math.max(0, nowSeconds() - authTime) : undefined
  if (age === undefined || age > STEP_UP_MAX_AGE) {
    const user = sessionUser(session)
    const hint =
      typeof user.preferred_username === 'string'
        ? user.preferred_username
        : typeof user.email === 'string'
          ? user.email
          : undefined
    // At the session's own provider: with several, /auth/login would route the hint's domain, or ask.
    const at = offersChoice(getConfig().providers) ? session.provider : undefined
    const stepUp = loginPath('/profile/security', { ...stepUpOptions, ...(hint ? { login_hint: hint } : {}) }, at)
    return (
      <div className="max-w-prose space-y-4" data-testid="step-up-needed">
        <h1 className="text-2xl font-bold">Confirm it is you</h1>
        <p className="text-slate-600">
          Security settings need a sign-in from the last five minutes.{' '}
          {age === undefined
            ? 'Your identity provider did not say when you last signed in.'
            : `You last signed in ${age < 3600 ? `${Math.floor(age / 60)} minutes` : 'more than an hour'} ago.`}
        </p>
        <p className="text-slate-600">
          Your identity provider will ask for your password again, then bring you back here. Nothing else about your
          session changes.
        </p>
        <a
          href={stepUp}
          className="inline-block rounded-lg bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700"
        >
          Sign in again
        </a>
      </div>
    )
  }

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Security settings</h1>
      <p className="text-slate-600" data-testid="step-up-ok">
        You signed in {age < 60 ? 'less than a minute' : `${Math.floor(age / 60)} minutes`} ago, recently enough to see
        this page.
      </p>
      <p className="text-sm text-slate-500">
        This page stands for anything sensitive: it asks the provider for a fresh sign-in when yours is older than five
        minutes.
      </p>
    </div>
  )
}
