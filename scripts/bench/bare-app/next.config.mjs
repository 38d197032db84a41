/** A bare Next.js app, built by `npm run bench` the way the app is: a standalone server. */
const nextConfig = { output: 'standalone', poweredByHeader: false }

export default nextConfig
