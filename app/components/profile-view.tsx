/** The profile: who the user is and what their tokens say, from the session alone. */
import type { ReactNode } from 'react'
import { ApiCaller } from '@/app/components/api-caller'
import { Avatar } from '@/app/components/avatar'
import { Countdown } from '@/app/components/countdown'
import { YourApis } from '@/app/components/your-apis'
import { YourSessions } from '@/app/components/your-sessions'
import { getConfig, providerById } from '@/lib/config'
import { type Claim, decodeJwt } from '@/lib/jwt'
import { displayName, sessionUser, stringClaim } from '@/lib/session/claims'
import { type Session, sessionEndsAt } from '@/lib/session/session'
import { isoTime, nowSeconds } from '@/lib/clock'
import { AUTH_ROUTES } from '@/lib/routes'

/** Claims that are times, shown as dates next to the number. */
const TIME_CLAIMS = new Set(['auth_time', 'updated_at', 'iat', 'exp', 'nbf'])

function formatClaim(name: string, value: Claim): string {
  if (TIME_CLAIMS.has(name) && typeof value === 'number') return `${value} (${isoTime(value)})`
  return typeof value === 'string' ? value : JSON.stringify(value, null, 1)
}

function ClaimsTable({ claims, testId }: { claims: Record<string, Claim>; testId: string }) {
  const rows = Object.entries(claims).sort(([a], [b]) => a.localeCompare(b))
  return (
    <div className="overflow-hidden rounded-xl border border-slate-200 bg-white">
      <table className="w-full text-left text-sm" data-testid={testId}>
        <thead className="bg-slate-50 text-slate-500">
          <tr>
            {['Claim', 'Value'].map((heading) => (
              <th key={heading} scope="col" className="px-4 py-2 font-medium">
                {heading}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map(([name, value]) => (
            <tr key={name}>
              <th scope="row" className="px-4 py-2 align-top font-mono font-medium whitespace-nowrap text-slate-700">
                {name}
              </th>
              <td className="px-4 py-2 font-mono whitespace-pre-wrap wrap-anywhere text-slate-900">
                {formatClaim(name, value)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4">
      <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</dt>
      <dd className="mt-1 text-sm text-slate-900" data-testid={testId}>
        {children}
      </dd>
    </div>
  )
}

/** What the user's last action did: shown at the top of the profile, in words. */
export type ProfileNotice =
  | { kind: 'refreshed'; at: number }
  | { kind: 'refresh-failed' }
  | { kind: 'signed-out-others' }
  | { kind: 'signed-out-one' }
  | { kind: 'signed-out-none' }

function utcTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(11, 19)
}

function Notice({ notice, session }: { notice: ProfileNotice; session: Session }) {
  const ok = 'rounded-lg border border-emerald-200 bg-emerald-50 p-4 text-sm text-emerald-900'
  switch (notice.kind) {
    case 'refreshed':
      return (
        <p role="status" data-testid="notice" className={ok}>
          Tokens refreshed at {utcTime(notice.at)} UTC.{' '}
          {session.accessTokenExpiresAt
            ? `The access token now expires at ${utcTime(session.accessTokenExpiresAt)} UTC.`
            : 'The provider did not say when the new access token expires.'}
        </p>
      )
    case 'refresh-failed':
      return (
        <p
          role="alert"
          data-testid="notice"
          className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900"
        >
          The identity provider could not refresh your tokens just now. You are still signed in; the app will try again
          shortly.
        </p>
      )
    case 'signed-out-others':
      return (
        <p role="status" data-testid="notice" className={ok}>
          Your other sessions are signed out. This one goes on.
        </p>
      )
    case 'signed-out-one':
      return (
        <p role="status" data-testid="notice" className={ok}>
          That session is signed out. This one goes on.
        </p>
      )
    case 'signed-out-none':
      return (
        <p
          role="status"
          data-testid="notice"
          className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900"
        >
          That session was already signed out. This one goes on.
        </p>
      )
  }
}

export function ProfileView({ session, notice }: { session: Session; notice?: ProfileNotice | undefined }) {
  const { session: config, providers } = getConfig()
  const now = nowSeconds()
  // The provider it began at: openSession refuses sessions of a provider no longer configured.
  const provider = providerById(providers, session.provider)
  const user = sessionUser(session)
  const email = stringClaim(user, 'email')
  const idToken = decodeJwt(session.idToken)
  const idleEndsAt = sessionEndsAt(session, config)

  return (
    <div className="space-y-10">
      {notice && <Notice notice={notice} session={session} />}
      <section className="flex items-center gap-5 rounded-xl border border-slate-200 bg-white p-6">
        <Avatar user={user} size="large" />
        <div className="space-y-1">
          <h1 data-testid="profile-name" className="text-2xl font-bold">
            {displayName(user)}
          </h1>
          {email && (
            <p data-testid="profile-email" className="text-slate-600">
              {email}
            </p>
          )}
          <p className="text-sm text-slate-600" data-testid="profile-provider" data-provider={session.provider}>
            Signed in with <strong>{provider?.name ?? session.provider}</strong>
          </p>
          <p className="text-sm text-slate-500" data-testid="session-expiry">
            Session expires in <Countdown at={session.expiresAt} now={now} />, at{' '}
            <time dateTime={isoTime(session.expiresAt)}>{new Date(session.expiresAt * 1000).toUTCString()}</time>, or
            after {Math.round(config.idleTimeout / 60)} minutes without activity (
            <Countdown at={idleEndsAt} now={now} /> from now).
          </p>
        </div>
      </section>

      <section className="space-y-3">
        <h2 className="text-lg font-semibold">Your claims</h2>
        <p className="text-sm text-slate-600">
          What the provider released about you, from the validated ID token and the userinfo endpoint.
        </p>
        <ClaimsTable claims={user} testId="claims" />
      </section>

      <section className="space-y-4">
        <h2 className="text-lg font-semibold">Tokens</h2>
        <p className="text-sm text-slate-600">
          The tokens stay on the server, sealed in your session cookie. This is what they say.
        </p>
        <dl className="grid gap-3 sm:grid-cols-3">
          <Fact label="Access token expires" testId="access-token-expiry">
            {session.accessTokenExpiresAt ? <Countdown at={session.accessTokenExpiresAt} now={now} /> : 'not stated'}
          </Fact>
          <Fact label="Scopes granted" testId="scopes">
            {session.scope ?? 'not stated'}
          </Fact>
          <Fact label="Refresh token" testId="refresh-token">
            {session.refreshToken ? 'held' : 'none'}
          </Fact>
        </dl>
        <div className="flex flex-wrap items-start gap-4">
          <form method="post" action={`${AUTH_ROUTES.refresh}?returnTo=/profile`}>
            <button
              type="submit"
              disabled={!session.refreshToken}
              className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-700 hover:bg-slate-100 disabled:opacity-50"
            >
              Refresh now
            </button>
          </form>
          <ApiCaller />
        </div>
        <h3 className="pt-2 font-semibold">ID token header</h3>
        <ClaimsTable claims={idToken.header} testId="id-token-header" />
        <h3 className="pt-2 font-semibold">ID token claims</h3>
        <ClaimsTable claims={idToken.claims} testId="id-token-claims" />
      </section>

      <YourApis session={session} now={now} />

      <YourSessions session={session} />

      <section className="rounded-xl border border-slate-200 bg-white p-5 text-sm">
        <a href="/profile/security" className="font-semibold text-indigo-600 hover:underline">
          Security settings
        </a>{' '}
        <span className="text-slate-600">
          open only to a sign-in from the last five minutes; an older one is sent to the provider again (step-up).
        </span>
      </section>
    </div>
  )
}
