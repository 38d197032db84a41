import { notFound } from 'next/navigation'
import type { ReactNode } from 'react'
import { Frame } from '@/app/components/frame'
import { twinSession } from '../twin'

/** The twin's frame: the site's header, fed without the session check (app/bench/twin.ts). */
export default async function BenchLayout({ children }: { children: ReactNode }) {
  const session = await twinSession()
  if (!session) notFound()
  return <Frame state={{ status: 'active', session, resealDue: false }}>{children}</Frame>
}
