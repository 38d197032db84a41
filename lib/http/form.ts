/**
 * Reading a request body up to a byte limit and no further: a request body is
 * the client's to make as large as it likes. A small url-encoded form (our own
 * sign-out buttons, the provider's back-channel logout), or the bytes the API
 * proxy forwards.
 */

/** The body's bytes; an empty array for none; null when it is over `maxBytes` (the rest is never read). */
export async function readBody(request: Request, maxBytes: number): Promise<Uint8Array | null> {
  const declared = Number(request.headers.get('content-length') ?? 0)
  if (declared > maxBytes) return null
  if (!request.body) return new Uint8Array(0)
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel().catch(() => {})
      return null
    }
    chunks.push(value)
  }
  const body = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.byteLength
  }
  return body
}

/** A url-encoded form of at most `maxBytes`; undefined for another type or a larger body. */
export async function readForm(request: Request, maxBytes: number): Promise<URLSearchParams | undefined> {
  const type = request.headers.get('content-type') ?? ''
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return undefined
  const body = await readBody(request, maxBytes)
  return body === null ? undefined : new URLSearchParams(new TextDecoder().decode(body))
}
