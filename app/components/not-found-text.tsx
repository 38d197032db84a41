import Link from 'next/link'

/** What every not-found page says, whatever frame it is in. */
export function NotFoundText() {
  return (
    <div className="space-y-3">
      <h1 className="text-2xl font-bold">Page not found</h1>
      <p className="text-slate-600">There is nothing at this address.</p>
      <Link href="/" className="text-indigo-600 hover:underline">
        Go to the home page
      </Link>
    </div>
  )
}
