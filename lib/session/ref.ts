/**
 * A session as the session store knows it (lib/session/store/): its id, whose
 * it is and which provider session it belongs to, read from the ID token.
 * Edge-safe, like lib/session/session.ts.
 */
import { decodeJwt } from '../jwt'
import type { ProviderId } from '../config/provider-ids'
import type { Session } from './session'

/** A user: the provider that vouches for them and its `sub` there. The same `sub` at two providers is two users. */
export interface UserKey {
  readonly provider: ProviderId
  readonly sub: string
}

/**
 * What the session store needs to know of a session: its id, whose it is (its
 * provider and the ID token's `sub`), the provider session it belongs to (the
 * ID token's `sid`, which back-channel logout names), and when it began and must end.
 */
export interface SessionRef extends UserKey {
  readonly id: string
  readonly sid: string | undefined
  readonly createdAt: number
  readonly expiresAt: number
}

/** Decoded once per session object: a remembered session (see openSession) is the same object on every request. */
const refs = new WeakMap<Session, SessionRef>()

export function sessionRef(session: Session): SessionRef {
  let ref = refs.get(session)
  if (!ref) {
    const { claims } = decodeJwt(session.idToken)
    ref = {
      id: session.id,
      provider: session.provider,
      // A string in every validated ID token (OIDC Core §2).
      sub: typeof claims.sub === 'string' ? claims.sub : JSON.stringify(claims.sub),
      sid: typeof claims.sid === 'string' ? claims.sid : undefined,
      createdAt: session.createdAt,
      expiresAt: session.expiresAt,
    }
    refs.set(session, ref)
  }
  return ref
}
