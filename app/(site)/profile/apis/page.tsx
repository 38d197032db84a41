import type { Metadata } from 'next'
import { ApiPost } from '@/app/components/api-post'
import { apiFetch, type ApiFetchResult } from '@/lib/api/fetch'
import { getConfig } from '@/lib/config'
import { requireSession } from '@/lib/session/current'
import { postToApis } from './actions'

export const metadata: Metadata = { title: 'Your APIs' }

function Answer({ name, result }: { name: string; result: ApiFetchResult }) {
  return (
    <li data-testid={`server-call-${name}`} className="space-y-2 rounded-xl border border-slate-200 bg-white p-4">
      <h2 className="font-semibold">{name}</h2>
      {result.ok ? (
        <>
          <p className="text-sm text-slate-600">HTTP {result.status}</p>
          <pre className="max-w-full overflow-x-auto rounded-lg bg-slate-900 p-4 text-xs break-all whitespace-pre-wrap text-slate-100">
            {JSON.stringify(result.body, null, 2)}
          </pre>
        </>
      ) : (
        <p role="alert" className="text-sm text-red-700">
          {result.message}
        </p>
      )}
    </li>
  )
}

/**
 * The example of apiFetch in a server component: each configured API called
 * on the server, as you, with its own token; nothing but the answers reaches
 * the browser. And in a server action (./actions.ts): a POST to each.
 */
export default async function ApisPage() {
  await requireSession('/profile/apis')
  const { apis } = getConfig()
  const results = await Promise.all(
    apis.map(async (api) => ({ name: api.name, result: await apiFetch(api.name, '/') })),
  )
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Your APIs</h1>
      <p className="text-sm text-slate-600">
        {apis.length === 0
          ? 'No APIs are configured (APIS).'
          : 'Called on the server by this page, each with its own token.'}
      </p>
      <ul className="space-y-4">
        {results.map(({ name, result }) => (
          <Answer key={name} name={name} result={result} />
        ))}
      </ul>
      {apis.length > 0 && <ApiPost action={postToApis} />}
      <a href="/profile" className="text-sm font-semibold text-indigo-600 hover:underline">
        Back to your profile
      </a>
    </div>
  )
}
