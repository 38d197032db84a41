/**
 * Any other address under /auth/: a 404 page of our own, with its own strict
 * policy (lib/http/responses.ts), rather than the app's not-found page, which
 * renders the signed-in header and would go without one here (middleware does
 * not run under /auth/, and next.config.ts's policies would replace the ones
 * our /auth/ pages send).
 */
import { notFoundPage } from '@/lib/http/responses'

export const GET = notFoundPage
export const POST = notFoundPage
