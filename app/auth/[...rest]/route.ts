/**
 * Any other address under /auth/: a 404 page of our own, with its own strict
 * policy (lib/http/responses.ts), rather than the app's not-found page, which
 * renders the signed-in header and would go without one here (middleware does
 * not run under /auth/, and next.config.ts's policies would replace the ones
 * our /auth/ pages send).
 */
import { htmlPage } from '@/lib/http/responses'

function notFound() {
  return htmlPage(
    {
      kicker: 'Not found · 404',
      title: 'Page not found',
      paragraphs: [{ text: 'There is nothing at this address.' }],
      actions: [{ kind: 'link', href: '/', label: 'Go to the home page', primary: true }],
    },
    404,
  )
}

export const GET = notFound
export const POST = notFound
