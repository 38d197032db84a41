/**
 * Untrusted text on its way into a log line or an error message: a value from
 * a request, a token header, a provider's error. Quoted, with every control
 * and line-breaking character escaped, and cut to a length, so no value can
 * start a forged log line, hide text from a terminal, or fill the log.
 *
 * Plain string work: safe anywhere, middleware included.
 */

/** Characters kept at most; longer values end in an ellipsis. */
export const MAX_LOGGED_CHARS = 120

/** JSON.stringify escapes C0 controls, quotes and backslashes; these it leaves as they are. */
const UNSAFE = /[\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g

/** `value` as a quoted, escaped, capped string: `"text"`, or `"text…"` when cut. */
export function quoted(value: unknown, max = MAX_LOGGED_CHARS): string {
  const text = typeof value === 'string' ? value : String(value)
  const cut = [...text].length > max ? `${[...text].slice(0, max).join('')}…` : text
  return JSON.stringify(cut).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
