/**
 * DPoP (RFC 9449): tokens bound to a key pair only this session holds, and the
 * proof of possession that goes with every request that uses them.
 *
 * - One key pair per session (`newDpopKey`), made at /auth/login, sealed into
 *   the login's transaction, then into the session: never shared between
 *   sessions, gone with the cookie.
 * - A fresh proof for every token, PAR, userinfo and API request (oauth4webapi
 *   signs it: `htm`, `htu` without query, `ath` with an access token, a random `jti`).
 * - Nonces (§8, §9) remembered per origin for every session of this process, so
 *   a server that rotates them costs a retry only when it rotates; a request is
 *   retried at most once for a nonce (`withNonceRetry`), with the very same
 *   token and key: the retry is the same request with a new proof.
 */
import 'server-only'
import * as oauth from 'oauth4webapi'
import { base64UrlEncode } from '../base64url'
import type { OidcConfig } from '../config'
import { LoginError } from './errors'
import type { DpopKey } from './token-set'

/** The algorithm of every session key: ES256, which every DPoP provider supports. */
export const DPOP_ALGORITHM = 'ES256'

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const

/** Nonces the servers gave, by origin; shared by every bundle's copy of this module, as in ./discovery.ts. */
const NONCES = Symbol.for('nextjs-oidc-login.dpop-nonces')
const MAX_ORIGINS = 256
const shared = globalThis as { [NONCES]?: Map<string, string> }
const nonces = (shared[NONCES] ??= new Map<string, string>())

function rememberNonce(origin: string, nonce: string): void {
  nonces.delete(origin)
  nonces.set(origin, nonce)
  if (nonces.size > MAX_ORIGINS) nonces.delete(nonces.keys().next().value!)
}

/** A new session key: an EC P-256 private key as a JWK, to be sealed. */
export async function newDpopKey(): Promise<DpopKey> {
  const pair = await crypto.subtle.generateKey(EC, true, ['sign', 'verify'])
  const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey)
  return { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y!, d: jwk.d! }
}

/**
 * The proof signers of the sessions seen lately, by the key itself (importing
 * a key and exporting its public half cost more than the proof): at most
 * SIGNERS, the least recently used dropped. Keyed by the whole private key,
 * so a signer only ever serves a request holding that very key.
 *
 * Per copy of this module, unlike the nonces: Next bundles pages and route
 * handlers apart, each with its own oauth4webapi, which accepts only the
 * handles it made itself.
 */
const SIGNERS = 1000
const signers = new Map<string, Promise<oauth.DPoPHandle>>()

async function importPair(key: DpopKey): Promise<CryptoKeyPair> {
  const { kty, crv, x, y } = key
  // The private half is imported unextractable: once in memory, nothing can read it back out.
  const privateKey = await crypto.subtle.importKey('jwk', { kty, crv, x, y, d: key.d }, EC, false, ['sign'])
  const publicKey = await crypto.subtle.importKey('jwk', { kty, crv, x, y }, EC, true, ['verify'])
  return { privateKey, publicKey }
}

async function newSigner(client: oauth.Client, key: DpopKey): Promise<oauth.DPoPHandle> {
  return oauth.DPoP(client, await importPair(key), {
    [oauth.modifyAssertion]: (_header, payload) => {
      const nonce = typeof payload.htu === 'string' ? nonces.get(new URL(payload.htu).origin) : undefined
      if (nonce !== undefined) payload.nonce = nonce
    },
  })
}

/**
 * The proof signer of the session that holds `key`: a handle belongs to one
 * key, so it can never sign for another session. Every proof it signs is new
 * (its own `jti` and `iat`); the nonce is the latest its server gave anyone.
 */
export function dpopHandle(client: oauth.Client, key: DpopKey): Promise<oauth.DPoPHandle> {
  const id = `${client.client_id} ${key.x}.${key.y}.${key.d}`
  let signer = signers.get(id)
  if (signer) signers.delete(id)
  else signer = newSigner(client, key)
  signers.set(id, signer)
  if (signers.size > SIGNERS) signers.delete(signers.keys().next().value!)
  // A failed import is not kept: the next request tries again.
  signer.catch(() => signers.delete(id))
  return signer
}

/** The key's RFC 7638 thumbprint: `dpop_jkt` on the authorization request, `cnf.jkt` in tokens bound to it. */
export async function dpopThumbprint(key: DpopKey): Promise<string> {
  // RFC 7638 §3.2: the required members of an EC key, in lexicographic order, no whitespace.
  const canonical = JSON.stringify({ crv: key.crv, kty: key.kty, x: key.x, y: key.y })
  return base64UrlEncode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical))))
}

/**
 * The fetch every DPoP-carrying request goes through: it notes the nonce a
 * server sends (DPoP-Nonce), for this and every later request to that origin.
 */
export const nonceNotingFetch = async (url: string, init: object): Promise<Response> => {
  const response = await fetch(url, init)
  const nonce = response.headers.get('dpop-nonce')
  if (nonce) rememberNonce(new URL(url).origin, nonce)
  return response
}

/**
 * Runs one DPoP request; when the server answers `use_dpop_nonce` (the nonce
 * it sent with that answer is noted by then), runs it once more, and only once.
 */
export async function withNonceRetry<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    if (!oauth.isDPoPNonceError(error)) throw error
    return run()
  }
}

/**
 * True when discovery lists our algorithm in `dpop_signing_alg_values_supported`.
 * A provider that does not list it is not assumed to bind tokens: it would
 * hand out Bearer tokens, which is the downgrade OIDC_DPOP exists to refuse.
 */
export function supportsOurAlgorithm(as: oauth.AuthorizationServer): boolean {
  return as.dpop_signing_alg_values_supported?.includes(DPOP_ALGORITHM) === true
}

/**
 * No downgrade (RFC 9449 §5): with DPoP on, the token endpoint must answer
 * `token_type: DPoP`. A Bearer token means the provider ignored the proof; it
 * is refused, and the page names the setting.
 */
export function requireBoundToken(tokens: oauth.TokenEndpointResponse, config: Pick<OidcConfig, 'variable'>): void {
  if (tokens.token_type === 'dpop') return
  throw new LoginError(
    'bad_provider_response',
    `${config.variable('DPOP')}=true, but the provider answered with a ${tokens.token_type === 'bearer' ? 'Bearer' : 'non-DPoP'} token, ` +
      "not one bound to this session's key, so it was not used. Enable DPoP for this client at the provider, or unset " +
      `${config.variable('DPOP')}.`,
  )
}
