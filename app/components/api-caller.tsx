'use client'

import { useState, useSyncExternalStore } from 'react'

/** What /api/call-api answers; `token` (with `?api=`): when the API's token expires, its scopes, whether it is DPoP-bound. Never the token. */
type Result = { status: number | null; body: unknown; error?: string; error_description?: string; token?: unknown }

/** A failed call in words, beside what came back: the app's own refusal, the API's error, or none. */
function failureWords(httpStatus: number, result: Result): string | undefined {
  if (httpStatus === 401) return 'You are no longer signed in. Sign in again to call the API.'
  if (result.error_description) return `The API call failed: ${result.error_description}`
  if (httpStatus >= 400) return `The API call failed (HTTP ${httpStatus}).`
  if (typeof result.status === 'number' && result.status >= 400)
    return `The API refused the call (HTTP ${result.status}).`
  return undefined
}

/** Whether we are hydrated never changes once it is true: nothing to subscribe to. */
const noSubscription = () => () => {}

/**
 * Calls /api/call-api, which calls the configured API with the access token on
 * the server, and shows what came back. The token itself never reaches the browser.
 * With `api`, one of the APIs (APIS), with its own token.
 */
export function ApiCaller({ api }: { api?: string } = {}) {
  const [result, setResult] = useState<(Result & { words?: string | undefined }) | { failed: string } | undefined>()
  const [busy, setBusy] = useState(false)
  // Disabled until hydrated: a click on the server-rendered button would do nothing.
  const ready = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  )

  async function call() {
    setBusy(true)
    try {
      const url = api ? `/api/call-api?${new URLSearchParams({ api })}` : '/api/call-api'
      const response = await fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store' })
      const body = (await response.json()) as Result
      setResult({ ...body, words: failureWords(response.status, body) })
    } catch {
      setResult({ failed: 'The API call failed: the app could not be reached.' })
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="space-y-3">
      <button
        type="button"
        onClick={() => void call()}
        disabled={busy || !ready}
        className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-60"
      >
        {busy ? 'Calling…' : api ? `Call ${api}` : 'Call the API'}
      </button>
      {result && ('failed' in result || result.words) && (
        <p role="alert" data-testid={api ? `api-failure-${api}` : 'api-failure'} className="text-sm text-red-700">
          {'failed' in result ? result.failed : result.words}
        </p>
      )}
      {result && !('failed' in result) && (
        <pre
          data-testid={api ? `api-result-${api}` : 'api-result'}
          className="max-w-full overflow-x-auto rounded-lg bg-slate-900 p-4 text-xs break-all whitespace-pre-wrap text-slate-100"
        >
          {JSON.stringify(
            {
              status: result.status,
              body: result.body,
              ...(result.token ? { token: result.token } : {}),
              ...(result.error ? { error: result.error, error_description: result.error_description } : {}),
            },
            null,
            2,
          )}
        </pre>
      )}
    </div>
  )
}
