/**
 * The app's log lines. Readable by default, as `[area] message`; with
 * LOG_FORMAT=json, one JSON object per line, for log pipelines:
 *   {"time":"2026-12-03T10:00:00.000Z","level":"warn","event":"auth.login_failed",
 *    "message":"…","provider":"default","request_id":"…"}
 * `event` names what happened (its first part is the area of the readable form);
 * `provider` is the provider's id where one is concerned; `request_id` is the
 * request's own (X-Request-Id, or the id Vercel or an AWS load balancer gives
 * it) where a request is being answered. Messages and fields carry no token,
 * secret or cookie: every call site puts untrusted text through ./text.ts.
 */
import 'server-only'
import { headers } from 'next/headers'

export type LogLevel = 'info' | 'warn' | 'error'

/** What a line may carry beside its message: the provider, and a few plain values. */
export interface LogFields {
  readonly provider?: string | undefined
  readonly [name: string]: string | number | boolean | undefined
}

/** Request ids as proxies and platforms set them, first found wins. */
const REQUEST_ID_HEADERS = ['x-request-id', 'x-vercel-id', 'x-amzn-trace-id'] as const
/** A request id comes from outside: kept to this many characters. */
const MAX_REQUEST_ID = 128

const WRITE: Record<LogLevel, (line: string) => void> = {
  info: (line) => console.log(line),
  warn: (line) => console.warn(line),
  error: (line) => console.error(line),
}

export function jsonLogs(env: Record<string, string | undefined> = process.env): boolean {
  return env.LOG_FORMAT?.trim().toLowerCase() === 'json'
}

/** The id of the request being answered, if this runs while one is. */
async function requestId(): Promise<string | undefined> {
  try {
    const list = await headers()
    for (const name of REQUEST_ID_HEADERS) {
      const value = list.get(name)
      if (value) return value.slice(0, MAX_REQUEST_ID)
    }
  } catch {
    // Outside a request (start-up, a background task): no id to give.
  }
  return undefined
}

/** One JSON line: the record's own keys first, then the fields, never overriding them. */
export function jsonLine(
  level: LogLevel,
  event: string,
  message: string,
  fields: LogFields,
  id: string | undefined,
  now = new Date(),
): string {
  const record: Record<string, unknown> = { time: now.toISOString(), level, event, message }
  for (const [name, value] of Object.entries(fields)) if (value !== undefined && !(name in record)) record[name] = value
  if (id !== undefined) record.request_id = id
  return JSON.stringify(record)
}

function write(level: LogLevel, event: string, message: string, fields: LogFields = {}): void {
  if (!jsonLogs()) {
    WRITE[level](`[${event.split('.')[0]}] ${message}`)
    return
  }
  void requestId().then((id) => WRITE[level](jsonLine(level, event, message, fields, id)))
}

export const log = {
  info: (event: string, message: string, fields?: LogFields) => write('info', event, message, fields),
  warn: (event: string, message: string, fields?: LogFields) => write('warn', event, message, fields),
  error: (event: string, message: string, fields?: LogFields) => write('error', event, message, fields),
}
