/**
 * How long we trust the provider's key set (its `jwks_uri`).
 *
 * oauth4webapi downloads the key set again once its copy is five minutes old,
 * however current the keys are. Providers rotate signing keys in days or months
 * and announce a new key before signing with it, so that refetch is a request
 * per login for nothing (after the first login, no key-set fetch unless a key
 * rotated). Here a key set is kept until a token names a key it lacks
 * (then it is fetched again at once: the rotation case), or until KEY_SET_MAX_AGE,
 * so a key the provider withdrew stops being trusted within that time.
 *
 * oauth4webapi takes a key set handed in through its `jwksCache` option when it
 * is marked as just fetched, and fills that same object when it downloads one.
 */
import { nowSeconds } from '../clock'
import * as oauth from 'oauth4webapi'

/** Seconds. Microsoft's IdentityModel refreshes metadata every 12 hours by default; so do we. */
export const KEY_SET_MAX_AGE = 12 * 60 * 60

export class KeySetCache {
  /** The object oauth4webapi reads and fills: `jwks` and `uat` (when it was fetched, as oauth4webapi counts). */
  private readonly cache: { jwks?: oauth.JWKS; uat?: number } = {}
  private held: oauth.JWKS | undefined
  private fetchedAt = 0

  /**
   * The `jwksCache` option for one verification. Pass a fresh copy of the
   * AuthorizationServer with it: oauth4webapi also caches per object, with its
   * own five minutes, and a new object makes it take ours.
   */
  options(): oauth.JWKSCacheInput {
    this.noteDownload()
    if (this.held && nowSeconds() - this.fetchedAt < KEY_SET_MAX_AGE) this.cache.uat = nowSeconds()
    else this.forget()
    // Either empty or a complete {jwks, uat}: the two shapes oauth4webapi accepts.
    return this.cache as oauth.JWKSCacheInput
  }

  /** After a verification: remember when oauth4webapi downloaded what it put in the cache. */
  noteDownload(): void {
    if (this.cache.jwks && this.cache.jwks !== this.held) {
      this.held = this.cache.jwks
      this.fetchedAt = nowSeconds()
    }
  }

  /**
   * The key set held now, if it is still trusted: for verifying what
   * oauth4webapi does not (back-channel logout tokens, lib/oidc/logout-token.ts).
   */
  current(): oauth.JWKS | undefined {
    this.noteDownload()
    return this.held && nowSeconds() - this.fetchedAt < KEY_SET_MAX_AGE ? this.held : undefined
  }

  /** A key set downloaded outside oauth4webapi: later verifications of either kind use it. */
  keep(jwks: oauth.JWKS): void {
    this.cache.jwks = jwks
    this.cache.uat = nowSeconds()
    this.held = jwks
    this.fetchedAt = nowSeconds()
  }

  /** A token named a key we lack: the next verification downloads the key set. */
  forget(): void {
    delete this.cache.jwks
    delete this.cache.uat
    this.held = undefined
  }
}
