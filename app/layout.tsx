import type { Metadata } from 'next'
import type { ReactNode } from 'react'
import './globals.css'

export const metadata: Metadata = {
  title: { default: 'OIDC Login for Next.js', template: '%s · OIDC Login for Next.js' },
  description: 'Sign in with any OpenID Connect provider, on the server, with an encrypted session cookie.',
}

/** The document. The header and the page frame come from the `(site)` layout, which reads the session. */
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">{children}</body>
    </html>
  )
}
