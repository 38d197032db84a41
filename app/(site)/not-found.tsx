import type { Metadata } from 'next'
import { NotFoundText } from '@/app/components/not-found-text'

export const metadata: Metadata = { title: 'Page not found' }

/** A private or sign-in page that finds nothing to show, inside the site's frame (its layout shows who is signed in). */
export default function SiteNotFound() {
  return <NotFoundText />
}
