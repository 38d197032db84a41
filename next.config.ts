import type { NextConfig } from 'next'
import { PHASE_DEVELOPMENT_SERVER } from 'next/constants'
import { anonymousContentSecurityPolicy } from './lib/http/csp'
import { HEADER_SOURCES, SESSION_COOKIE_NAMES } from './lib/routes'

/**
 * `npm run bench` builds with BENCH_BUILD=1, into .next-bench: only then are the
 * benchmark's twins of /profile (app/bench/, files named `*.bench.tsx`) part of
 * the app. A normal `npm run build` has no trace of them.
 */
const BENCH_BUILD = process.env.BENCH_BUILD === '1'

/**
 * Apart from BENCH_BUILD, nothing here depends on the environment: one build
 * serves any provider, and every OIDC setting is read at run time (lib/config/).
 */
export default function nextConfig(phase: string): NextConfig {
  const anonymous = anonymousContentSecurityPolicy({ development: phase === PHASE_DEVELOPMENT_SERVER })
  return {
    // A self-contained server (.next/standalone/server.js) for Node hosts and the Dockerfile.
    output: 'standalone',
    ...(BENCH_BUILD ? { distDir: '.next-bench', pageExtensions: ['tsx', 'ts', 'bench.tsx'] } : {}),
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
          source: HEADER_SOURCES.notPrivateNorAuth,
          missing: SESSION_COOKIE_NAMES.map((key) => ({ type: 'cookie' as const, key })),
          headers: [{ key: 'Content-Security-Policy', value: anonymous }],
        },
        // A visitor with a session cookie, where middleware does not run (asset-like paths, the
        // benchmark's bare twin among them): their 404 pages render the signed-in header, so they get the static
        // policy too. /api/ answers JSON, down to its 404 (app/api/[...rest]); /auth/ brings its own.
        // Every HTML response carries a policy.
        ...SESSION_COOKIE_NAMES.map((key) => ({
          source: HEADER_SOURCES.outsideMiddleware,
          has: [{ type: 'cookie' as const, key }],
          headers: [{ key: 'Content-Security-Policy', value: anonymous }],
        })),
      ]
    },
  }
}
