/**
 * Reading a small url-encoded form body: our own sign-out buttons, and the
 * provider's back-channel logout. Read up to a byte limit and no further: a
 * request body is the client's to make as large as it likes.
 */
export async function readForm(request: Request, maxBytes: number): Promise<URLSearchParams | undefined> {
  const type = request.headers.get('content-type') ?? ''
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return undefined
  const declared = Number(request.headers.get('content-length') ?? 0)
  if (declared > maxBytes || !request.body) return declared > maxBytes ? undefined : new URLSearchParams()
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel()
      return undefined
    }
    chunks.push(value)
  }
  const body = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.byteLength
  }
  return new URLSearchParams(new TextDecoder().decode(body))
}
