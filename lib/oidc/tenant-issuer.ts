/**
 * Microsoft Entra ID's multi-tenant endpoints (/common, /organizations) answer
 * discovery with an issuer template, `https://login.microsoftonline.com/{tenantid}/v2.0`:
 * each ID token's `iss` names the user's own tenant, which its `tid` claim states.
 * The template is accepted only where the configured issuer fits it, and each
 * token is checked against the template filled with that token's own `tid`.
 */

const PLACEHOLDER = '{tenantid}'

export function isTenantTemplate(issuer: string): boolean {
  return issuer.includes(PLACEHOLDER)
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** True when `configured` is the template with one path segment (common, organizations, a tenant) in its place. */
export function fitsTemplate(template: string, configured: string): boolean {
  const [before, after] = template.split(PLACEHOLDER) as [string, string]
  // Only the end of the whole URL may differ by a slash.
  const withoutTrailingSlash = (url: string) => url.replace(/\/$/, '')
  return new RegExp(`^${escape(before)}[\\w.-]+${escape(withoutTrailingSlash(after))}$`).test(
    withoutTrailingSlash(configured),
  )
}

/** The issuer a token with this `tid` must name, or undefined when the tid is not a plausible tenant id. */
export function issuerForTenant(template: string, tid: unknown): string | undefined {
  return typeof tid === 'string' && /^[\w-]{1,64}$/.test(tid) ? template.replace(PLACEHOLDER, tid) : undefined
}
