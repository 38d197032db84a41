import { Home } from '@/app/components/home'

/** The home page for a visitor without a session, prerendered; served at `/` (next.config.ts's rewrites). */
export default function AnonymousHomePage() {
  return <Home session={null} notice={undefined} />
}
