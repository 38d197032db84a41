import type { Metadata } from 'next'
import { notFound } from 'next/navigation'

export const metadata: Metadata = { title: 'Page not found' }

/**
 * Any address no page claims: the not-found page inside the site's frame
 * (../not-found.tsx), so a signed-in user still sees who they are. Rendered per
 * request, as every page that reads the session is.
 */
export default function UnknownPage(): never {
  notFound()
}
