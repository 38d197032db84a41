import type { Metadata } from 'next'
import Link from 'next/link'
import { getShownSessionState } from '@/lib/session/current'
import { Frame } from './components/frame'

export const metadata: Metadata = { title: 'Page not found' }

/** Outside the `(site)` layout (it also answers unknown addresses), so it brings its own frame. */
export default async function NotFound() {
  return (
    <Frame state={await getShownSessionState()}>
      <div className="space-y-3">
        <h1 className="text-2xl font-bold">Page not found</h1>
        <p className="text-slate-600">There is nothing at this address.</p>
        <Link href="/" className="text-indigo-600 hover:underline">
          Go to the home page
        </Link>
      </div>
    </Frame>
  )
}
