import type { NextConfig } from 'next'
import { PHASE_DEVELOPMENT_SERVER } from 'next/constants'
import { anonymousContentSecurityPolicy } from './lib/csp'

/** Every name the session cookie goes by (lib/config.ts, lib/session-cookie.ts): http, https, and chunked. */
export const SESSION_COOKIE_NAMES = ['session', 'session.0', '__Host-session', '__Host-session.0'] as const

/**
 * Nothing here depends on the environment: one build serves any provider, and
 * every OIDC setting is read at run time (lib/config.ts).
 */
export default function nextConfig(phase: string): NextConfig {
  return {
    // A self-contained server (.next/standalone/server.js) for Node hosts and the Dockerfile.
    output: 'standalone',
    poweredByHeader: false,
    // The Redis client (lib/session-store) is loaded from node_modules, not bundled: one copy, one connection per process.
    serverExternalPackages: ['redis', '@redis/client'],
    reactStrictMode: true,
    async headers() {
      return [
        {
          source: '/:path*',
          headers: [
            { key: 'X-Content-Type-Options', value: 'nosniff' },
            { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
            { key: 'X-Frame-Options', value: 'DENY' },
          ],
        },
        {
          // Pages that run no middleware (a visitor without a session; see middleware.ts) get the
          // static policy. Middleware sends the nonce policy everywhere it runs, the private routes
          // always; the login error page (/auth/) sends its own.
          source: '/((?!profile(?:/|$)|api/me(?:/|$)|api/call-api(?:/|$)|auth/).*)',
          missing: SESSION_COOKIE_NAMES.map((key) => ({ type: 'cookie' as const, key })),
          headers: [{ key: 'Content-Security-Policy', value: anonymousContentSecurityPolicy({ development: phase === PHASE_DEVELOPMENT_SERVER }) }],
        },
      ]
    },
  }
}
