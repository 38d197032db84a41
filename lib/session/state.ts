/**
 * What a request's session comes to, for pages and handlers (lib/session/current.ts
 * finds it). Apart, so that a page rendered without a request (a prerendered
 * one) can show "signed out" without loading the cookie, the store or the seal.
 */
import type { Session } from './session'

export type SessionState =
  /**
   * `resealDue`: the idle clock should move on (or an older secret opened the
   * cookie). Only a route handler that asked the store (this state says it did) may reseal it.
   */
  | { readonly status: 'active'; readonly session: Session; readonly resealDue: boolean }
  /** No session. `clearCookie`: the request carried one that is dead (ended, expired, broken): drop it. */
  | { readonly status: 'signed-out'; readonly clearCookie: boolean }
  /** The store could not be asked: nobody can tell whether this session was ended. */
  | { readonly status: 'unverifiable' }

/** No session, nothing to drop: what a page rendered without reading the request shows. */
export const SIGNED_OUT: SessionState = { status: 'signed-out', clearCookie: false }
