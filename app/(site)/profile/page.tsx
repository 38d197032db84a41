import type { Metadata } from 'next'
import { ProfileView, type ProfileNotice } from '@/app/components/profile-view'
import { requireSession } from '@/lib/session/current'

export const metadata: Metadata = { title: 'Profile' }

/** What the last action did, as the route that did it says in the query (`/auth/refresh`, `/auth/logout`). */
function notice(query: Record<string, string | string[] | undefined>): ProfileNotice | undefined {
  if (query.signed_out === 'others') return { kind: 'signed-out-others' }
  if (query.signed_out === 'one') return { kind: 'signed-out-one' }
  if (query.signed_out === 'none') return { kind: 'signed-out-none' }
  if (query.refresh === 'failed') return { kind: 'refresh-failed' }
  const at =
    typeof query.refreshed === 'string' && /^\d{10}$/.test(query.refreshed) ? Number(query.refreshed) : undefined
  return at !== undefined ? { kind: 'refreshed', at } : undefined
}

export default async function ProfilePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>
}) {
  // Middleware already turned away a cookie that does not open; this also catches a session ended elsewhere.
  const session = await requireSession('/profile')
  return <ProfileView session={session} notice={notice(await searchParams)} />
}
