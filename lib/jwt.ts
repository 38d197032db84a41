/**
 * Reading a JWT's header and claims without verifying anything: for tokens
 * that were validated when they arrived (the stored ID token), or to find
 * which tenant a token names before it is validated. Web APIs only.
 */
import { base64UrlDecode } from './base64url'

/** JSON values as they come out of an ID token or a userinfo response. */
export type Claim = string | number | boolean | null | Claim[] | { [key: string]: Claim }

function segmentJson(segment: string): Record<string, Claim> {
  return JSON.parse(new TextDecoder().decode(base64UrlDecode(segment))) as Record<string, Claim>
}

/** The header and claims of a compact JWS; throws on anything else. */
export function decodeJwt(token: string): { header: Record<string, Claim>; claims: Record<string, Claim> } {
  const [header = '', payload = ''] = token.split('.')
  return { header: segmentJson(header), claims: segmentJson(payload) }
}
