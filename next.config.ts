import type { NextConfig } from 'next'
import { PHASE_DEVELOPMENT_SERVER } from 'next/constants'
import { anonymousContentSecurityPolicy } from './lib/csp'

/** Every name the session cookie goes by (lib/config.ts, lib/session-cookie.ts): http, https, and chunked. */
export const SESSION_COOKIE_NAMES = ['session', 'session.0', '__Host-session', '__Host-session.0'] as const

/**
 * Nothing here depends on the environment: one build serves any provider, and
 * every OIDC setting is read at run time (lib/config.ts).
 */
/** Every path but the private routes (middleware.ts's PRIVATE_ROUTES), which always run middleware, and /auth/. */
const NOT_PRIVATE_NOR_AUTH = '/((?!profile(?:/|$)|api/me(?:/|$)|api/call-api(?:/|$)|auth/).*)'
/** Pages a session cookie does not bring middleware to (middleware.ts's matcher): asset-like paths, the bare twin. */
const OUTSIDE_MIDDLEWARE = '/((?!api/|auth/|_next/)(?:bench/bare|.*\\.\\w+$).*)'

export default function nextConfig(phase: string): NextConfig {
  const anonymous = anonymousContentSecurityPolicy({ development: phase === PHASE_DEVELOPMENT_SERVER })
  return {
    // A self-contained server (.next/standalone/server.js) for Node hosts and the Dockerfile.
    output: 'standalone',
    poweredByHeader: false,
    // The Redis client (lib/session-store) is loaded from node_modules, not bundled: one copy, one connection per process.
    serverExternalPackages: ['redis', '@redis/client'],
    reactStrictMode: true,
    // `npm run dev` serves localhost; a page opened at 127.0.0.1 (before its sign-in moves it to
    // APP_BASE_URL's host) may still load the development runtime (HMR) without a console error.
    allowedDevOrigins: ['127.0.0.1', 'localhost'],
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
          // HSTS (RFC 6797) on every response that reached us over https: Vercel and TLS-terminating
          // proxies say so in X-Forwarded-Proto. Never over plain http (§7.2), so http://localhost
          // development is never pinned to https. next.config headers are fixed at build time, while
          // APP_BASE_URL is read at run time: the request's own scheme is what can be matched here.
          source: '/:path*',
          has: [{ type: 'header', key: 'x-forwarded-proto', value: 'https' }],
          headers: [{ key: 'Strict-Transport-Security', value: 'max-age=63072000; includeSubDomains' }],
        },
        {
          // Pages that run no middleware (a visitor without a session; see middleware.ts) get the
          // static policy. Middleware sends the nonce policy everywhere it runs, the private routes
          // always; our own HTML pages under /auth/ send their own (a header set here would replace
          // theirs), down to its 404 (app/auth/[...rest]).
          source: NOT_PRIVATE_NOR_AUTH,
          missing: SESSION_COOKIE_NAMES.map((key) => ({ type: 'cookie' as const, key })),
          headers: [{ key: 'Content-Security-Policy', value: anonymous }],
        },
        // A visitor with a session cookie, where middleware does not run (asset-like paths, the
        // benchmark's bare twin): their 404 pages render the signed-in header, so they get the static
        // policy too. /api/ answers JSON, down to its 404 (app/api/[...rest]); /auth/ brings its own.
        // Every HTML response carries a policy.
        ...SESSION_COOKIE_NAMES.map((key) => ({
          source: OUTSIDE_MIDDLEWARE,
          has: [{ type: 'cookie' as const, key }],
          headers: [{ key: 'Content-Security-Policy', value: anonymous }],
        })),
      ]
    },
  }
}
