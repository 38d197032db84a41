'use client'

/** Shown instead of a stack trace when a page fails to render. The details stay in the server log. */
export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="mx-auto max-w-4xl space-y-3 px-6 py-10">
      <h1 className="text-2xl font-bold">Something went wrong</h1>
      <p className="text-slate-600">This page could not be shown. Please try again.</p>
      <button
        type="button"
        onClick={reset}
        className="rounded-md bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-500"
      >
        Try again
      </button>
    </main>
  )
}
