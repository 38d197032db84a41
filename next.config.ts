import type { NextConfig } from 'next'

/**
 * Nothing here depends on the environment: one build serves any provider, and
 * every OIDC setting is read at run time (lib/config.ts).
 */
const nextConfig: NextConfig = {
  // A self-contained server (.next/standalone/server.js) for Node hosts and the Dockerfile.
  output: 'standalone',
  poweredByHeader: false,
  reactStrictMode: true,
  // The Content-Security-Policy comes from middleware.ts: it carries a nonce per request.
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
    ]
  },
}

export default nextConfig
