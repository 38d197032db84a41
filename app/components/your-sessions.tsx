/**
 * The user's sessions, from the session store: where they are signed in, since
 * when, last seen when; a button to sign out of any one of the others (a lost
 * phone), and buttons to sign out of all the others, or of all of them. With
 * Redis that is every instance's sessions; with the embedded store, those this
 * machine has seen.
 */
import { getConfig } from '@/lib/config'
import { sessionRef } from '@/lib/session/ref'
import { type Session } from '@/lib/session/session'
import { isoTime, nowSeconds } from '@/lib/clock'
import { getSessionStore, isStoreUnavailable, type StoredSession } from '@/lib/session/store'
import { AUTH_ROUTES } from '@/lib/routes'
import { log } from '@/lib/log/log'

function ago(seconds: number): string {
  if (seconds < 60) return 'just now'
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min ago`
  const hours = Math.floor(minutes / 60)
  return `${hours} h ${minutes % 60} min ago`
}

async function liveSessions(session: Session): Promise<StoredSession[] | undefined> {
  const config = getConfig().session
  try {
    const now = nowSeconds()
    // A session unused for longer than the idle timeout is over, whatever the store still holds of it.
    return (await getSessionStore().list(sessionRef(session))).filter(
      (s) => s.lastSeenAt + config.idleTimeout > now || s.id === session.id,
    )
  } catch (error) {
    if (!isStoreUnavailable(error)) throw error
    log.warn('store.list_failed', `the sessions list could not be loaded: ${error.message}`)
    return undefined
  }
}

const BUTTON = 'rounded-md border px-4 py-2 text-sm font-semibold disabled:opacity-50'
/** A person has a handful of sessions; beyond this many, the most recently seen are shown and the rest counted. */
const SHOWN = 10

export async function YourSessions({ session }: { session: Session }) {
  const sessions = await liveSessions(session)
  const now = nowSeconds()
  const others = sessions?.filter((s) => s.id !== session.id).length ?? 0
  // This device first, then the most recently seen.
  const shown =
    sessions && [...sessions].sort((a, b) => Number(b.id === session.id) - Number(a.id === session.id)).slice(0, SHOWN)
  const perProcess = getSessionStore().kind === 'memory'
  return (
    <section id="sessions" className="space-y-3" data-testid="sessions">
      <h2 className="text-lg font-semibold">Your sessions</h2>
      <p className="text-sm text-slate-600">
        Where you are signed in to this app{perProcess ? ' (as far as this machine has seen)' : ''}. Signing out of a
        session ends it at once, wherever its cookie is. A device that is still signed in at your identity provider may
        sign in here again without a password: for a lost device, sign out there too.
      </p>
      {sessions === undefined ? (
        <p role="status" className="text-sm text-amber-800">
          The list of your sessions cannot be loaded right now.
        </p>
      ) : (
        <ul className="divide-y divide-slate-100 overflow-hidden rounded-xl border border-slate-200 bg-white text-sm">
          {shown!.map((s) => (
            <li
              key={s.id}
              className="flex flex-wrap items-baseline justify-between gap-2 px-4 py-3"
              data-testid="session-row"
            >
              <span className="font-medium">
                {s.device}
                {s.id === session.id && (
                  <span
                    data-testid="this-device"
                    className="ml-2 rounded bg-indigo-50 px-2 py-0.5 text-xs font-semibold text-indigo-700"
                  >
                    this device
                  </span>
                )}
              </span>
              <span className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
                <span className="text-slate-500">
                  signed in <time dateTime={isoTime(s.createdAt)}>{ago(now - s.createdAt)}</time>, last seen{' '}
                  <time dateTime={isoTime(s.lastSeenAt)}>{ago(now - s.lastSeenAt)}</time>
                </span>
                {s.id !== session.id && (
                  <form method="post" action={AUTH_ROUTES.logout}>
                    <input type="hidden" name="scope" value="one" />
                    <input type="hidden" name="session" value={s.id} />
                    <button
                      type="submit"
                      data-testid="end-session"
                      aria-label={`Sign out of ${s.device}, last seen ${ago(now - s.lastSeenAt)}`}
                      className="rounded border border-slate-300 px-2 py-0.5 text-xs font-semibold whitespace-nowrap text-slate-700 hover:bg-slate-100"
                    >
                      Sign out
                    </button>
                  </form>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
      {sessions && sessions.length > SHOWN && (
        <p className="text-sm text-slate-500" data-testid="sessions-more">
          and {sessions.length - SHOWN} more, seen less recently
        </p>
      )}
      <div className="flex flex-wrap gap-3">
        <form method="post" action={AUTH_ROUTES.logout}>
          <input type="hidden" name="scope" value="others" />
          <button
            type="submit"
            disabled={others === 0}
            className={`${BUTTON} border-slate-300 bg-white text-slate-700 hover:bg-slate-100`}
          >
            Sign out of other sessions
          </button>
        </form>
        <form method="post" action={AUTH_ROUTES.logout}>
          <input type="hidden" name="scope" value="all" />
          <button type="submit" className={`${BUTTON} border-red-200 bg-white text-red-700 hover:bg-red-50`}>
            Sign out everywhere
          </button>
        </form>
      </div>
    </section>
  )
}
