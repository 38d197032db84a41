import type { Metadata } from 'next'
import { redirect } from 'next/navigation'
import { requireSession } from '@/lib/current-session'
import { nowSeconds, sessionUser } from '@/lib/session'

export const metadata: Metadata = { title: 'Security settings' }

/** Sensitive pages ask for a recent sign-in: no older than this many seconds. */
const STEP_UP_MAX_AGE = 5 * 60

/**
 * A page that demands a fresh login (step-up). When the provider's `auth_time`
 * is missing or older than five minutes, the user goes back through the
 * provider with `prompt=login` and `max_age`, and the callback checks the new
 * `auth_time` before letting them in.
 */
export default async function SecurityPage() {
  const stepUpOptions = { prompt: 'login', max_age: String(STEP_UP_MAX_AGE) }
  const stepUp = `/auth/login?${new URLSearchParams({ returnTo: '/profile/security', ...stepUpOptions })}`
  const session = await requireSession('/profile/security', stepUpOptions)

  const authTime = sessionUser(session).auth_time
  const age = typeof authTime === 'number' ? nowSeconds() - authTime : undefined
  if (age === undefined || age > STEP_UP_MAX_AGE) redirect(stepUp)

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Security settings</h1>
      <p className="text-slate-600" data-testid="step-up-ok">
        You signed in {age < 60 ? 'less than a minute' : `${Math.floor(age / 60)} minutes`} ago, recently enough to see this page.
      </p>
      <p className="text-sm text-slate-500">
        This page stands for anything sensitive: it asks the provider for a fresh sign-in when yours is older than five minutes.
      </p>
    </div>
  )
}
