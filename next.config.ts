import type { NextConfig } from 'next'
import { PHASE_DEVELOPMENT_SERVER } from 'next/constants'
import { anonymousContentSecurityPolicy } from './lib/http/csp'
import { FORWARDED_HTTPS, HSTS_VALUE } from './lib/http/hsts'
import { SESSION_COOKIE_NAMES } from './lib/cookies/policy'
import { anonymousTwin, HEADER_SOURCES, PRERENDERED_PAGES, PUBLIC_PAGE_QUERY } from './lib/routes'

/**
 * `npm run bench` builds with BENCH_BUILD=1, into .next-bench: only then are the
 * benchmark's twins of /profile (app/bench/, files named `*.bench.tsx`) part of
 * the app. A normal `npm run build` has no trace of them.
 */
const BENCH_BUILD = process.env.BENCH_BUILD === '1'

/**
 * HSTS goes with the app's public origin (lib/http/hsts.ts). Where APP_BASE_URL
 * is already known at build time (Vercel builds with the project's variables),
 * every response carries it. Otherwise it is added at run time by middleware
 * and the auth routes, and here on every response that says it came over https.
 */
const HTTPS_AT_BUILD = process.env.APP_BASE_URL?.trim().startsWith('https://') ?? false

/**
 * Apart from BENCH_BUILD and HSTS, nothing here depends on the environment: one build
 * serves any provider, and every OIDC setting is read at run time (lib/config/).
 */
/** Built on Vercel (its build sets VERCEL=1): its CDN routes on cookies before it caches. */
const VERCEL_BUILD = process.env.VERCEL === '1'

/** What tells shared caches in front of the app to keep a response to themselves: nothing. */
const SHARED_CACHES_BYPASS = [
  { key: 'CDN-Cache-Control', value: 'no-store' },
  { key: 'Surrogate-Control', value: 'no-store' },
]

/** A visitor with no session cookie, and none of the query a public page answers. */
const withoutSession = [
  ...SESSION_COOKIE_NAMES.map((key) => ({ type: 'cookie' as const, key })),
  ...PUBLIC_PAGE_QUERY.map((key) => ({ type: 'query' as const, key })),
]

export default function nextConfig(phase: string): NextConfig {
  const anonymous = anonymousContentSecurityPolicy({ development: phase === PHASE_DEVELOPMENT_SERVER })
  return {
    // A self-contained server (.next/standalone/server.js) for Node hosts and the Dockerfile.
    output: 'standalone',
    ...(BENCH_BUILD ? { distDir: '.next-bench', pageExtensions: ['tsx', 'ts', 'bench.tsx'] } : {}),
    poweredByHeader: false,
    // No next/image here: no image optimizer to run, and none of its 20 MB (sharp, libvips) in the server.
    images: { unoptimized: true },
    outputFileTracingExcludes: { '*': ['node_modules/sharp/**', 'node_modules/@img/**'] },
    // The Redis client (lib/session/store/redis-connection.ts) is loaded from node_modules, not bundled: one copy, one connection per process.
    serverExternalPackages: ['redis', '@redis/client'],
    reactStrictMode: true,
    // A fresh server loads each route when it is first asked for, as a Vercel function does, instead of
    // every route at start-up while its first request waits (README, Benchmark: cold start).
    experimental: { preloadEntriesOnStart: false },
    // `npm run dev` serves localhost; a page opened at 127.0.0.1 (before its sign-in moves it to
    // APP_BASE_URL's host) may still load the development runtime (HMR) without a console error.
    allowedDevOrigins: ['127.0.0.1', 'localhost'],
    async rewrites() {
      // A public page's prerendered twin for a visitor without a session (lib/routes.ts's PRERENDERED_PAGES).
      // Before Next looks for a page at the address: otherwise the page rendered per request would answer.
      return {
        beforeFiles: PRERENDERED_PAGES.map((page) => ({
          source: page,
          missing: withoutSession,
          destination: anonymousTwin(page),
        })),
        afterFiles: [],
        fallback: [],
      }
    },
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
        // HSTS (RFC 6797): every response, where the build knows APP_BASE_URL is https; otherwise those
        // whose client reached the first proxy over https (X-Forwarded-Proto's first value: `https`,
        // `https, http` behind a chain of proxies). Never over plain http (§7.2).
        HTTPS_AT_BUILD
          ? { source: '/:path*', headers: [{ key: 'Strict-Transport-Security', value: HSTS_VALUE }] }
          : {
              source: '/:path*',
              has: [{ type: 'header' as const, key: 'x-forwarded-proto', value: FORWARDED_HTTPS }],
              headers: [{ key: 'Strict-Transport-Security', value: HSTS_VALUE }],
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
        // A prerendered page goes out with Next's `s-maxage` of a year, and its address has another variant
        // for visitors with a session. A CDN that keys on the address alone would hand that visitor the
        // anonymous one: shared caches are told not to keep either (RFC 9213's CDN-Cache-Control, and
        // Surrogate-Control for Fastly and Akamai). `Vary: Cookie` would say it, but Next replaces any Vary
        // on pages, and most CDNs ignore it. Vercel needs neither: its CDN applies these rewrites, cookie
        // conditions included, before it looks in its cache, so there the prerendered twin stays cached.
        ...(VERCEL_BUILD ? [] : PRERENDERED_PAGES.map((source) => ({ source, headers: SHARED_CACHES_BYPASS }))),
        ...SESSION_COOKIE_NAMES.map((key) => ({
          source: HEADER_SOURCES.outsideMiddleware,
          has: [{ type: 'cookie' as const, key }],
          headers: [{ key: 'Content-Security-Policy', value: anonymous }],
        })),
      ]
    },
  }
}
