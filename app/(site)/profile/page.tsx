import type { Metadata } from 'next'
import { ProfileView } from '@/app/components/profile-view'
import { requireSession } from '@/lib/current-session'

export const metadata: Metadata = { title: 'Profile' }

export default async function ProfilePage() {
  // Middleware already turned away a cookie that does not open; this also catches a session ended elsewhere.
  return <ProfileView session={await requireSession('/profile')} />
}
