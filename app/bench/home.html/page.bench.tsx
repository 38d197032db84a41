/**
 * The home page as a bare static page: its anonymous variant's content at an
 * asset-like path, which no middleware matcher, rewrite or session check ever
 * reaches, prerendered. The benchmark holds `/` without a session to this (it
 * must not pay for anything a visitor without a session does not need). Only in the benchmark's build.
 */
import { Home } from '@/app/components/home'

export default function BareHome() {
  return <Home session={null} notice={undefined} />
}
