import type { ReactNode } from 'react'
import { Frame } from '@/app/components/frame'
import { SIGNED_OUT } from '@/lib/session/state'

/** The home page's bare twin has the public pages' anonymous frame. */
export default function BareHomeLayout({ children }: { children: ReactNode }) {
  return <Frame state={SIGNED_OUT}>{children}</Frame>
}
