'use client'

import { useEffect, useState } from 'react'

type Result = { status: number | null; body: unknown; error?: string; error_description?: string }

/**
 * Calls /api/call-api, which calls the configured API with the access token on
 * the server, and shows what came back. The token itself never reaches the browser.
 */
export function ApiCaller() {
  const [result, setResult] = useState<Result | { failed: string } | undefined>()
  const [busy, setBusy] = useState(false)
  // Disabled until hydrated: a click on the server-rendered button would do nothing.
  const [ready, setReady] = useState(false)
  useEffect(() => setReady(true), [])

  async function call() {
    setBusy(true)
    try {
      const response = await fetch('/api/call-api', { headers: { accept: 'application/json' }, cache: 'no-store' })
      setResult((await response.json()) as Result)
    } catch {
      setResult({ failed: 'The app could not be reached.' })
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="space-y-3">
      <button
        type="button"
        onClick={call}
        disabled={busy || !ready}
        className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-60"
      >
        {busy ? 'Calling…' : 'Call the API'}
      </button>
      {result && (
        <pre data-testid="api-result" className="overflow-x-auto rounded-lg bg-slate-900 p-4 text-xs text-slate-100">
          {'failed' in result ? result.failed : JSON.stringify(result, null, 2)}
        </pre>
      )}
    </div>
  )
}
