import type { ReactNode } from 'react'
import type { SessionState } from '@/lib/session/state'
import { Header } from './header'

/** The header and the main column around a page. */
export function Frame({ state, children }: { state: SessionState; children: ReactNode }) {
  return (
    <>
      <Header state={state} />
      <main className="mx-auto max-w-4xl px-6 py-10">{children}</main>
    </>
  )
}
