/**
 * How the client authenticates at its provider: the method
 * (OIDC_CLIENT_AUTH_METHOD) with its secret or key, checked for shape here and
 * used by lib/oidc/client-auth.ts. Read under the provider's prefix, like every setting.
 */
import { read, type Env } from './env'
import type { Variable } from './provider-ids'

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none'

/** A confidential client always has its secret or key; a public client never has one. */
export type ClientCredentials =
  | { readonly method: 'client_secret_basic' | 'client_secret_post'; readonly secret: string }
  | { readonly method: 'private_key_jwt' }
  | { readonly method: 'none' }

const AUTH_METHODS: readonly ClientAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
  'none',
]

export function parseCredentials(env: Env, v: Variable, problems: string[]): ClientCredentials | undefined {
  const secret = read(env, v('CLIENT_SECRET'))
  const rawMethod = read(env, v('CLIENT_AUTH_METHOD'))
  if (rawMethod && !AUTH_METHODS.includes(rawMethod as ClientAuthMethod)) {
    problems.push(`${v('CLIENT_AUTH_METHOD')} must be one of ${AUTH_METHODS.join(', ')}; got "${rawMethod}".`)
    return undefined
  }
  // Without a secret there is nothing to authenticate with: a public client, protected by PKCE.
  const method = (rawMethod as ClientAuthMethod | undefined) ?? (secret ? 'client_secret_basic' : 'none')
  if (method === 'private_key_jwt') {
    if (!read(env, v('CLIENT_PRIVATE_KEY'))) {
      problems.push(
        `${v('CLIENT_AUTH_METHOD')} is "private_key_jwt" but ${v('CLIENT_PRIVATE_KEY')} is not set. ` +
          "Set it to the client's private key: a PKCS#8 PEM, or a private JWK with its kid.",
      )
      return undefined
    }
    return { method }
  }
  if (method === 'none') {
    if (secret) {
      problems.push(
        `${v('CLIENT_SECRET')} is set but ${v('CLIENT_AUTH_METHOD')} is "none" (a public client never sends a secret). ` +
          `Remove the secret, or set ${v('CLIENT_AUTH_METHOD')}=client_secret_basic.`,
      )
      return undefined
    }
    return { method }
  }
  if (!secret) {
    problems.push(
      `${v('CLIENT_AUTH_METHOD')} is "${method}" but ${v('CLIENT_SECRET')} is not set. ` +
        `Copy the client secret from the provider, or set ${v('CLIENT_AUTH_METHOD')}=none for a public client.`,
    )
    return undefined
  }
  return { method, secret }
}

/**
 * OIDC_CLIENT_PRIVATE_KEY: a PKCS#8 PEM (`\n` escapes allowed, for one-line
 * environments) or a private JWK. Only its shape is checked here; it is imported
 * on first use (lib/oidc/client-key.ts), where a bad key is reported too.
 */
export function parsePrivateKey(env: Env, v: Variable, problems: string[]): string | undefined {
  const raw = read(env, v('CLIENT_PRIVATE_KEY'))
  if (!raw) return undefined
  const key = raw.replace(/\\n/g, '\n')
  if (key.startsWith('-----BEGIN PRIVATE KEY-----')) return key
  if (key.startsWith('-----BEGIN')) {
    problems.push(
      `${v('CLIENT_PRIVATE_KEY')} must be PKCS#8 ("-----BEGIN PRIVATE KEY-----"); convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem`,
    )
    return undefined
  }
  try {
    const jwk = JSON.parse(key) as Record<string, unknown>
    if (typeof jwk.kty === 'string' && typeof jwk.d === 'string') return key
  } catch {
    // reported below
  }
  problems.push(
    `${v('CLIENT_PRIVATE_KEY')} must be a PKCS#8 PEM or a private JWK (JSON with "kty", "d" and its "kid").`,
  )
  return undefined
}
