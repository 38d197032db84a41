import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { ProfileView } from '@/app/components/profile-view'
import { twinSession } from '../../twin'

export const metadata: Metadata = { title: 'Profile', robots: { index: false } }

/** /profile without the session store's check; only in the benchmark's build (see app/bench/twin.ts). */
export default async function ProfileTwinPage() {
  const session = await twinSession()
  if (!session) notFound()
  return <ProfileView session={session} />
}
