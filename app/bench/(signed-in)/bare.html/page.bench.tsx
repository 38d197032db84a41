/**
 * /profile as a bare Next.js page that reads a cookie: the twin's page, at an
 * asset-like path outside the middleware matcher, so no middleware runs at all.
 * Only in the benchmark's build (see app/bench/twin.ts).
 */
export { default, metadata } from '../profile/page.bench'
