/**
 * /profile as a bare Next.js page that reads a cookie: the twin's page, at a path
 * outside the middleware matcher, so no middleware runs at all. For `npm run bench`
 * only (BENCH_TWIN=1); a 404 otherwise.
 */
export { default, metadata } from '../profile/page'
