/**
 * Tokens and keys for tests. `unsignedJwt` is for tests that store, seal or
 * display tokens, never for tests that verify a signature: its signature is
 * any base64url text. Test code only;
 * the app never imports lib/testing/ (eslint.config.mjs forbids it).
 */
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose'

/** A compact JWS of `header` and `claims` with the given signature text. */
export function unsignedJwt(claims: object, header: object = { alg: 'RS256' }, signature = 'signature'): string {
  return [header, claims]
    .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
    .concat(signature)
    .join('.')
}

/** A fresh RS256 key pair: the private key to sign with, the public JWK to publish under `kid`. */
export async function rsaSigningKey(kid: string): Promise<{ privateKey: CryptoKey; jwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256')
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } }
}

/** A token endpoint's answer carrying an ID token for `alice`, signed with `key`, from `issuer` to the client `app`. */
export async function signedTokenResponse(key: { privateKey: CryptoKey; jwk: JWK }, issuer: string): Promise<Response> {
  const idToken = await new SignJWT({ sub: 'alice' })
    .setProtectedHeader({ alg: 'RS256', kid: key.jwk.kid! })
    .setIssuer(issuer)
    .setAudience('app')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key.privateKey)
  return new Response(JSON.stringify({ access_token: 'at', token_type: 'Bearer', id_token: idToken }), {
    headers: { 'content-type': 'application/json' },
  })
}
