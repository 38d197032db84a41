import type { Metadata } from 'next'
import { redirect } from 'next/navigation'
import { ProfileView } from '@/app/components/profile-view'
import { getSession } from '@/lib/current-session'

export const metadata: Metadata = { title: 'Profile' }

export default async function ProfilePage() {
  const session = await getSession()
  // Middleware already redirects; this covers a request that reached the page without it.
  if (!session) redirect('/auth/login?returnTo=/profile')
  return <ProfileView session={session} />
}
