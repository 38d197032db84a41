/**
 * A small url-encoded form (our own sign-out buttons, the provider's
 * back-channel logout), read up to a byte limit and no further.
 */
import { readBody } from './body'

/** A url-encoded form of at most `maxBytes`; undefined for another type or a larger body. */
export async function readForm(request: Request, maxBytes: number): Promise<URLSearchParams | undefined> {
  const type = request.headers.get('content-type') ?? ''
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return undefined
  const body = await readBody(request, maxBytes)
  return body === null ? undefined : new URLSearchParams(new TextDecoder().decode(body))
}
