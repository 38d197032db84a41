import type { Metadata } from 'next'
import { SIGNED_OUT } from '@/lib/session/state'
import { Frame } from './components/frame'
import { NotFoundText } from './components/not-found-text'

export const metadata: Metadata = { title: 'Page not found' }

/**
 * Addresses outside every page and rewrite (under /_next/, say), and a
 * `notFound()` outside the public pages: signed out and prerendered. It reads
 * no session: Next puts this page into every page's payload, where reading the
 * session would cost a store lookup and a header render each time, and the
 * addresses it answers never run middleware, so they never carry the policy a
 * page that shows a user needs. A signed-in user's not-found pages are the
 * public ones (app/(public)/[visitor]/not-found.tsx) and the private area's
 * (app/(site)/not-found.tsx), each inside its own frame.
 */
export default function NotFound() {
  return (
    <Frame state={SIGNED_OUT}>
      <NotFoundText />
    </Frame>
  )
}
