import type { ReactNode } from 'react'
import { Frame } from '@/app/components/frame'
import { SIGNED_OUT } from '@/lib/session/state'

/**
 * The prerendered twins of public pages, for visitors without a session
 * (lib/routes.ts's PRERENDERED_PAGES): the frame of a signed-out visitor. Reads
 * nothing of the request, so Next builds these pages once, ahead.
 */
export default function AnonymousLayout({ children }: { children: ReactNode }) {
  return <Frame state={SIGNED_OUT}>{children}</Frame>
}
