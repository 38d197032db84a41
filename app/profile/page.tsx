import type { Metadata } from 'next'
import { redirect } from 'next/navigation'
import { Avatar } from '@/app/components/avatar'
import { getSession } from '@/lib/current-session'
import { nowSeconds, type Claim } from '@/lib/session'
import { displayName, stringClaim } from '@/lib/user'

export const metadata: Metadata = { title: 'Profile' }

/** Claims that are times, shown as dates next to the number. */
const TIME_CLAIMS = new Set(['auth_time', 'updated_at'])

function formatClaim(name: string, value: Claim): string {
  if (TIME_CLAIMS.has(name) && typeof value === 'number') {
    return `${value} (${new Date(value * 1000).toISOString().replace('.000Z', 'Z')})`
  }
  return typeof value === 'string' ? value : JSON.stringify(value, null, 1)
}

function formatDuration(seconds: number): string {
  const hours = Math.floor(seconds / 3600)
  const minutes = Math.floor((seconds % 3600) / 60)
  return hours > 0 ? `${hours} h ${minutes} min` : `${minutes} min`
}

export default async function ProfilePage() {
  const session = await getSession()
  // Middleware already redirects; this covers a request that reached the page without it.
  if (!session) redirect('/auth/login?returnTo=/profile')

  const { user } = session
  const email = stringClaim(user, 'email')
  const expiresAt = new Date(session.expiresAt * 1000)
  const claims = Object.entries(user).sort(([a], [b]) => a.localeCompare(b))

  return (
    <div className="space-y-8">
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
          <p className="text-sm text-slate-500" data-testid="session-expiry">
            Session expires in {formatDuration(session.expiresAt - nowSeconds())}, at{' '}
            <time dateTime={expiresAt.toISOString()}>{expiresAt.toUTCString()}</time>.
          </p>
        </div>
      </section>

      <section className="space-y-3">
        <h2 className="text-lg font-semibold">Your claims</h2>
        <p className="text-sm text-slate-600">
          What the provider released about you, from the validated ID token and the userinfo endpoint.
        </p>
        <div className="overflow-hidden rounded-xl border border-slate-200 bg-white">
          <table className="w-full text-left text-sm" data-testid="claims">
            <thead className="bg-slate-50 text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">Claim</th>
                <th scope="col" className="px-4 py-2 font-medium">Value</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {claims.map(([name, value]) => (
                <tr key={name}>
                  <th scope="row" className="whitespace-nowrap px-4 py-2 font-mono font-medium text-slate-700">
                    {name}
                  </th>
                  <td className="px-4 py-2 font-mono break-all whitespace-pre-wrap text-slate-900">{formatClaim(name, value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  )
}
