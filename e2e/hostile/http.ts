/**
 * The hostile provider's HTTP plumbing: bodies, JSON answers, random values,
 * and the faults an endpoint can be told to answer with instead.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

export function random(): string {
  return randomBytes(24).toString('base64url')
}

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url')
}

export async function readBody(req: IncomingMessage): Promise<string> {
  let body = ''
  for await (const chunk of req) {
    body += String(chunk)
    if (body.length > 64 * 1024) break
  }
  return body
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers })
  res.end(JSON.stringify(body))
}

/**
 * Answers with `fault` (the socket destroyed, a 500 page, broken JSON, no
 * answer at all, a 401 or a bare 403); false when `fault` names none of them.
 * Hung answers are kept in `hung`, so closing the server can end them.
 */
export function answerWithFault(res: ServerResponse, fault: string, hung: Set<ServerResponse>): boolean {
  switch (fault) {
    case 'down':
      res.socket?.destroy()
      return true
    case '500':
      res.writeHead(500, { 'content-type': 'text/html' })
      res.end('<h1>Internal Server Error</h1>')
      return true
    case 'malformed':
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"this is": not json')
      return true
    case 'hang':
      hung.add(res)
      return true
    case '401':
      json(res, 401, { error: 'unauthorized' })
      return true
    case '403':
      res.writeHead(403)
      res.end()
      return true
    default:
      return false
  }
}
