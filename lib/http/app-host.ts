/**
 * Cookies belong to a host name (RFC 6265 §5.3; ports do not count), and the
 * provider always returns the browser to APP_BASE_URL. A login started on
 * another host name (the app opened at http://127.0.0.1:3000 while
 * APP_BASE_URL is http://localhost:3000) leaves its transaction cookie where
 * the callback cannot see it, and ends on "not started in this browser". So a
 * login moves to APP_BASE_URL's host first.
 *
 * Behind a proxy that rewrites Host (nginx's default), every request looks like
 * it is on another host; the move then happens once, marked in the query, and
 * the login goes on rather than loop.
 */
import type { NextRequest } from 'next/server'
import { log } from '../log/log'

/** Set on the moved request: a second mismatch means a proxy rewrote Host, not the browser. */
const MOVED = 'moved'

/** The host name the browser used, as the request tells it (X-Forwarded-Host first, as proxies set it). */
function requestHostname(request: NextRequest): string | undefined {
  const host = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim() || request.headers.get('host')
  if (!host) return undefined
  try {
    return new URL(`http://${host}`).hostname
  } catch {
    return undefined
  }
}

let warned = false

/** Where to send this request first, or undefined when it is already on APP_BASE_URL's host name. */
export function onAppHost(request: NextRequest, appBaseUrl: URL): URL | undefined {
  const hostname = requestHostname(request)
  if (hostname === undefined || hostname === appBaseUrl.hostname) return undefined
  if (request.nextUrl.searchParams.has(MOVED)) {
    if (!warned) {
      warned = true
      log.warn(
        'auth.host_mismatch',
        `requests arrive for host "${hostname}" while APP_BASE_URL is ${appBaseUrl.origin}. If a proxy rewrites the Host header, ` +
          'have it pass the original (X-Forwarded-Host, or nginx: proxy_set_header Host $host).',
      )
    }
    return undefined
  }
  const target = new URL(request.nextUrl.pathname, appBaseUrl)
  for (const [name, value] of request.nextUrl.searchParams) target.searchParams.append(name, value)
  target.searchParams.set(MOVED, '1')
  return target
}
