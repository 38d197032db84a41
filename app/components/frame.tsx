import type { ReactNode } from 'react'
import type { Session } from '@/lib/session'
import { Header } from './header'

/** The header and the main column around a page. */
export function Frame({ session, children }: { session: Session | null; children: ReactNode }) {
  return (
    <>
      <Header session={session} />
      <main className="mx-auto max-w-4xl px-6 py-10">{children}</main>
    </>
  )
}
