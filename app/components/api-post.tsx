'use client'

import { useActionState } from 'react'
import type { PostResults } from '@/app/(site)/profile/apis/actions'

/** A button that runs the page's server action (a POST to each API) and shows what came back. */
export function ApiPost({ action }: { action: (previous: PostResults | undefined) => Promise<PostResults> }) {
  const [results, run, pending] = useActionState(action, undefined)
  return (
    <form action={run} className="space-y-3">
      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-60"
      >
        {pending ? 'Sending…' : 'Send a POST from a server action'}
      </button>
      {results?.map((r) => (
        <pre
          key={r.api}
          data-testid={`action-result-${r.api}`}
          className="max-w-full overflow-x-auto rounded-lg bg-slate-900 p-4 text-xs break-all whitespace-pre-wrap text-slate-100"
        >
          {JSON.stringify(
            { api: r.api, status: r.status, ...(r.message ? { message: r.message } : { body: r.body }) },
            null,
            2,
          )}
        </pre>
      ))}
    </form>
  )
}
