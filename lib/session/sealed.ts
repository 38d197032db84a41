/**
 * The session in its cookie form: sealed (iron, lib/seal.ts) over its compact
 * wire form (lib/session/codec.ts), and opened again, with a memo of values
 * opened lately. Web Crypto only: middleware runs this.
 */
import type { SessionConfig } from '../config'
import { open, seal } from '../seal'
import { withoutLeastRecentlyUsed } from './api-tokens'
import { compress, decompress } from './codec'
import { isExpired, sessionFromWire, sessionToWire, type Session } from './session'
import { nowSeconds } from '../clock'

/** At most this many bytes of sealed session: three cookies, well under Node's 16 KiB request-header limit. */
export const MAX_SEALED_SESSION = 3 * 3900

export class SessionTooLargeError extends Error {
  readonly bytes: number

  constructor(bytes: number) {
    super(
      `The session would take ${bytes} bytes of cookies, more than a browser and Node's default header limit allow.`,
    )
    this.name = 'SessionTooLargeError'
    this.bytes = bytes
  }
}

/** The fields that hold tokens: stored in their compact form (lib/session/codec.ts). */
export const TOKEN_FIELDS = ['idToken', 'accessToken', 'refreshToken'] as const

/**
 * What is sealed: `{ z }`, the session compressed (lib/session/codec.ts). A
 * session sealed whole by an earlier release still opens (and is sealed again
 * in the compact form at the next touch).
 */
type Sealed = { readonly z: string } | { readonly v: number }

function isSealed(value: unknown): value is Sealed {
  if (typeof value !== 'object' || value === null) return false
  const isZ = typeof (value as { z?: unknown }).z === 'string' && Object.keys(value).length === 1
  return isZ || typeof (value as { v?: unknown }).v === 'number'
}

/**
 * Throws SessionTooLargeError rather than produce a value the cookies cannot
 * carry. Per-API tokens are a cache: while they make the cookie too large, the
 * least recently used goes (its API mints another when next called); the
 * session's own tokens never do.
 */
export async function sealSession(session: Session, config: SessionConfig): Promise<string> {
  let current = session
  for (;;) {
    const z = compress(sessionToWire(current), TOKEN_FIELDS)
    const sealed = await seal({ z }, config.secrets, current.expiresAt - nowSeconds())
    if (sealed.length <= MAX_SEALED_SESSION) return sealed
    const apiTokens = current.apiTokens && withoutLeastRecentlyUsed(current.apiTokens)
    if (!apiTokens) throw new SessionTooLargeError(sealed.length)
    current = { ...current, apiTokens }
  }
}

export interface OpenedSession {
  readonly session: Session
  /** Seal it again: an older secret opened it, or it is in an earlier release's form. */
  readonly stale: boolean
}

/**
 * Opens a session. A missing, tampered, foreign (sealed with a secret we do not
 * hold), malformed, expired or idle cookie all read as "no session": the caller
 * never has to tell them apart, and none of them is an error the user sees.
 */
export async function openSession(sealed: string | undefined, config: SessionConfig): Promise<OpenedSession | null> {
  if (!sealed) return null
  const opened = recentlyOpened(config).get(sealed) ?? (await openUnremembered(sealed, config))
  // The clock moves on while a session is remembered: its timeouts are checked on every request.
  if (!opened || isExpired(opened.session, config)) return null
  // A provider removed from the configuration: nothing can refresh, revoke or end its sessions any more.
  if (!config.providerIds.includes(opened.session.provider)) return null
  return opened
}

async function openUnremembered(sealed: string, config: SessionConfig): Promise<OpenedSession | undefined> {
  const opened = await open(sealed, config.secrets, config.absoluteTimeout, isSealed, MAX_SEALED_SESSION)
  if (!opened) return undefined
  const { data } = opened
  const session = sessionFromWire('z' in data ? decompress(data.z, TOKEN_FIELDS) : data)
  if (!session) return undefined
  const result = { session, stale: opened.stale || !('z' in data) }
  remember(config, sealed, result)
  return result
}

/**
 * Sessions opened lately, by their exact sealed value, per configuration.
 * Opening costs two key derivations, an HMAC and a decryption (~0.7 ms), and a
 * private page asks twice (middleware, then the page) on every request of a
 * user who holds the same cookie for a minute at a time: remembering makes the
 * second and later asks a lookup (the benchmark's private-page figure). Only values that opened go in, so
 * forged ones cannot crowd it; it holds at most OPENED_REMEMBERED, dropping the
 * earliest opened. The seal is deterministic: the same value with the same
 * secrets always opens to the same session.
 */
const OPENED_REMEMBERED = 512
const remembered = new WeakMap<SessionConfig, Map<string, OpenedSession>>()

function recentlyOpened(config: SessionConfig): Map<string, OpenedSession> {
  let map = remembered.get(config)
  if (!map) remembered.set(config, (map = new Map<string, OpenedSession>()))
  return map
}

function remember(config: SessionConfig, sealed: string, opened: OpenedSession): void {
  const map = recentlyOpened(config)
  map.delete(sealed)
  map.set(sealed, opened)
  if (map.size > OPENED_REMEMBERED) map.delete(map.keys().next().value!)
}
