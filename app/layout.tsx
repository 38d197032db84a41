import type { Metadata } from 'next'
import type { ReactNode } from 'react'
import { Header } from './components/header'
import './globals.css'

export const metadata: Metadata = {
  title: { default: 'OIDC Login for Next.js', template: '%s · OIDC Login for Next.js' },
  description: 'Sign in with any OpenID Connect provider, on the server, with an encrypted session cookie.',
}

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <Header />
        <main className="mx-auto max-w-4xl px-6 py-10">{children}</main>
      </body>
    </html>
  )
}
