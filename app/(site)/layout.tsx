import type { ReactNode } from 'react'
import { Frame } from '@/app/components/frame'
import { getShownSessionState } from '@/lib/session/current'

/** Every page of the site: the header shows who is signed in, from the session. */
export default async function SiteLayout({ children }: { children: ReactNode }) {
  return <Frame state={await getShownSessionState()}>{children}</Frame>
}
