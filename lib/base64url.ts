/** base64url (RFC 4648 §5) without padding, as JWTs and our random ids use it. Web APIs only. */

export function base64UrlEncode(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** Throws on anything that is not base64url. */
export function base64UrlDecode(text: string): Uint8Array {
  if (!/^[\w-]*$/.test(text)) throw new TypeError('not base64url')
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/')
  return Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), (c) => c.charCodeAt(0))
}

/** 128 random bits, base64url: 22 characters. Session ids and the logout state. */
export function randomId(): string {
  return base64UrlEncode(crypto.getRandomValues(new Uint8Array(16)))
}
