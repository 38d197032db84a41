/**
 * The session's wire form: what gets sealed into the cookie, made small first,
 * because the cookie travels with every request (the goal: one cookie under
 * 4,096 bytes with ordinary tokens; under 8 KiB of Cookie header with Oracle
 * IDCS-sized ones, where every proxy with nginx's default buffers lets it through).
 *
 * Tokens are most of a session, and a JWT is base64url over JSON: base64 hides
 * the repetition DEFLATE would find (claim names, the same claims in the ID and
 * the access token). So each JWT is stored as its header and payload JSON text
 * plus its signature, and the whole session is deflated (raw DEFLATE) and then
 * base64url-encoded for iron to seal. A token only ever goes in decoded when
 * re-encoding gives back the very same string; anything else (opaque tokens,
 * JWEs, non-canonical base64url) is kept as it came.
 *
 * DEFLATE is fflate's: Next's Edge runtime has no CompressionStream. Otherwise
 * Web APIs only (TextEncoder, atob): middleware runs this.
 */
import { deflateSync, inflateSync } from 'fflate'
import { base64UrlDecode, base64UrlEncode } from '../base64url'

/** A token as stored: verbatim, or a JWT's decoded header and payload with its signature. */
type PackedToken = string | readonly [header: string, payload: string, signature: string]

/** Inflating stops here: our own sessions are capped far below it (MAX_SEALED_SESSION). */
const MAX_INFLATED_BYTES = 64 * 1024

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })
const utf8 = new TextEncoder()

function decodedSegment(segment: string): string | undefined {
  try {
    const text = strictUtf8.decode(base64UrlDecode(segment))
    // Only a canonical encoding comes back identical; the token must be rebuilt byte for byte.
    return base64UrlEncode(utf8.encode(text)) === segment ? text : undefined
  } catch {
    return undefined
  }
}

export function packToken(token: string): PackedToken {
  const parts = token.split('.')
  if (parts.length !== 3) return token
  const [header, payload, signature] = parts as [string, string, string]
  const headerText = decodedSegment(header)
  const payloadText = headerText === undefined ? undefined : decodedSegment(payload)
  if (headerText === undefined || payloadText === undefined || !/^[\w-]*$/.test(signature)) return token
  return [headerText, payloadText, signature]
}

export function unpackToken(packed: unknown): string | undefined {
  if (typeof packed === 'string') return packed
  if (!Array.isArray(packed) || packed.length !== 3 || !packed.every((part) => typeof part === 'string'))
    return undefined
  const [header, payload, signature] = packed as [string, string, string]
  return `${base64UrlEncode(utf8.encode(header))}.${base64UrlEncode(utf8.encode(payload))}.${signature}`
}

/** Undefined for anything that is not raw DEFLATE or would inflate past the cap. */
function inflate(bytes: Uint8Array): Uint8Array | undefined {
  try {
    // fflate stops at the end of `out`: a bomb cannot make us allocate more.
    const out = inflateSync(bytes, { out: new Uint8Array(MAX_INFLATED_BYTES + 1) })
    return out.byteLength <= MAX_INFLATED_BYTES ? out : undefined
  } catch {
    return undefined
  }
}

/** JSON, deflated, base64url: the string iron seals. `tokenFields` are packed first. */
export function compress(value: Record<string, unknown>, tokenFields: readonly string[]): string {
  const packed: Record<string, unknown> = { ...value }
  for (const field of tokenFields) {
    const token = packed[field]
    if (typeof token === 'string') packed[field] = packToken(token)
  }
  return base64UrlEncode(deflateSync(utf8.encode(JSON.stringify(packed)), { level: 9 }))
}

/** The reverse of `compress`; undefined for anything that does not come apart cleanly. */
export function decompress(text: string, tokenFields: readonly string[]): Record<string, unknown> | undefined {
  let value: unknown
  try {
    const inflated = inflate(base64UrlDecode(text))
    if (!inflated) return undefined
    value = JSON.parse(strictUtf8.decode(inflated))
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const record = value as Record<string, unknown>
  for (const field of tokenFields) {
    if (record[field] === undefined) continue
    const token = unpackToken(record[field])
    if (token === undefined) return undefined
    record[field] = token
  }
  return record
}
