import type { ReactNode } from 'react'
import { ApiCaller } from '@/app/components/api-caller'
import { Countdown } from '@/app/components/countdown'
import { getConfig, type ApiConfig } from '@/lib/config'
import { isUsable } from '@/lib/session/api-tokens'
import type { Session } from '@/lib/session/session'

const SOURCE: Record<ApiConfig['token'], string> = {
  refresh: 'its own token, minted with the refresh token',
  login: "the sign-in's access token",
  exchange: 'its own token, by token exchange',
}

/** What the session holds for one API: when its token expires and its scopes, or why there is none. Never the token. */
function tokenFacts(api: ApiConfig, session: Session, now: number): { expires: ReactNode; scopes: ReactNode } {
  if (api.token === 'login') {
    return {
      expires: session.accessTokenExpiresAt ? <Countdown at={session.accessTokenExpiresAt} now={now} /> : 'not stated',
      scopes: `${session.scope ?? 'not stated'}${session.dpopKey ? ' · DPoP-bound' : ''}`,
    }
  }
  const entry = session.apiTokens?.[api.name]
  if (entry?.kind === 'failed') return { expires: <span className="text-red-700">{entry.reason}</span>, scopes: '—' }
  if (!isUsable(entry, now)) return { expires: 'none yet: minted at the first call', scopes: '—' }
  return {
    expires: entry.expiresAt ? <Countdown at={entry.expiresAt} now={now} /> : 'not stated',
    scopes: `${entry.scope ?? 'not stated'}${entry.dpop ? ' · DPoP-bound' : ''}`,
  }
}

/**
 * The APIs this app calls for you (APIS): one row each, with what the session
 * holds for it and a button that calls it through /api/call-api?api=<name>.
 */
export function YourApis({ session, now }: { session: Session; now: number }) {
  const { apis } = getConfig()
  if (apis.length === 0) return null
  return (
    <section className="space-y-4" aria-labelledby="apis-heading">
      <h2 id="apis-heading" className="text-lg font-semibold">
        APIs
      </h2>
      <p className="text-sm text-slate-600">
        Each API gets a token of its own, sent only to its URL. The tokens stay on the server;{' '}
        <a href="/profile/apis" className="font-semibold text-indigo-600 hover:underline">
          the same calls, made by a server component
        </a>
        .
      </p>
      <ul className="space-y-4">
        {apis.map((api) => (
          <li
            key={api.name}
            data-testid={`api-row-${api.name}`}
            className="space-y-3 rounded-xl border border-slate-200 bg-white p-4"
          >
            <h3 className="font-semibold">{api.name}</h3>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
              <dt className="text-slate-500">Token</dt>
              <dd>{SOURCE[api.token]}</dd>
              <dt className="text-slate-500">Expires</dt>
              <dd data-testid={`api-expiry-${api.name}`}>{tokenFacts(api, session, now).expires}</dd>
              <dt className="text-slate-500">Scopes</dt>
              <dd data-testid={`api-scopes-${api.name}`} className="break-words">
                {tokenFacts(api, session, now).scopes}
              </dd>
            </dl>
            <ApiCaller api={api.name} />
          </li>
        ))}
      </ul>
    </section>
  )
}
