import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { ProfileView } from '@/app/components/profile-view'
import { twinSession } from '@/lib/bench-twin'

export const metadata: Metadata = { title: 'Profile', robots: { index: false } }

/**
 * /profile as a bare Next.js page that reads a cookie: no session check and no
 * middleware at all (outside the matcher). For `npm run bench` only (BENCH_TWIN=1); a 404 otherwise.
 */
export default async function BareProfileTwinPage() {
  const session = await twinSession()
  if (!session) notFound()
  return <ProfileView session={session} />
}
