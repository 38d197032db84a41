/** The local provider's own HTTP plumbing, for the pages oidc-provider does not serve itself. */
import type { IncomingMessage, ServerResponse } from 'node:http'

const MAX_FORM_BYTES = 16 * 1024

export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = ''
  for await (const chunk of req) {
    body += String(chunk)
    if (body.length > MAX_FORM_BYTES) throw new Error('form too large')
  }
  return new URLSearchParams(body)
}

export function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' })
  res.end(body)
}
