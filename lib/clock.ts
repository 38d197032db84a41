/**
 * The app's one clock: times are whole seconds since the epoch (as JWT `iat`,
 * `exp` and the session's own times are), and ISO 8601 where a person or a
 * JSON reader sees them. Plain Web APIs: safe in middleware and the browser.
 */

/** Now, in whole seconds since the epoch. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000)
}

/**
 * `seconds` in ISO 8601, UTC: to the second (`2026-12-03T13:00:00Z`), or with
 * milliseconds (`2026-12-03T13:00:00.000Z`, as Date's own toISOString spells it).
 */
export function isoTime(seconds: number, precision: 'seconds' | 'milliseconds' = 'seconds'): string {
  const iso = new Date(seconds * 1000).toISOString()
  return precision === 'milliseconds' ? iso : iso.replace(/\.\d{3}Z$/, 'Z')
}
