/**
 * Reading a body up to a byte limit and no further: a request body is the
 * client's to make as large as it likes, and an API's answer is shown to the
 * user. What is past the limit is never read (the stream is cancelled).
 */

/** Up to `cap` bytes of `stream`; `cut` when it held more. */
async function readUpTo(
  stream: ReadableStream<Uint8Array> | null,
  cap: number,
): Promise<{ bytes: Uint8Array; cut: boolean }> {
  if (!stream) return { bytes: new Uint8Array(0), cut: false }
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let length = 0
  let done = false
  try {
    while (!done) {
      const next = await reader.read()
      if (next.done) {
        done = true
        break
      }
      const { value } = next
      if (length + value.byteLength > cap) {
        chunks.push(value.subarray(0, cap - length))
        length = cap
        break
      }
      chunks.push(value)
      length += value.byteLength
    }
  } finally {
    // Only a body left unread is cancelled; one read to its end has nothing left to stop.
    if (!done) await reader.cancel().catch(() => {})
  }
  const cut = !done
  const bytes = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return { bytes, cut }
}

/** A request's body; an empty array for none; null when it is over `maxBytes`, by its Content-Length or in fact. */
export async function readBody(request: Request, maxBytes: number): Promise<Uint8Array | null> {
  const declared = Number(request.headers.get('content-length') ?? 0)
  if (declared > maxBytes) return null
  const { bytes, cut } = await readUpTo(request.body, maxBytes)
  return cut ? null : bytes
}

/** An answer's first `cap` bytes, as text: a runaway body is cut. */
export async function readCapped(response: Response, cap: number): Promise<string> {
  const { bytes } = await readUpTo(response.body, cap)
  // A multi-byte character cut at the cap becomes U+FFFD, not an error.
  return new TextDecoder().decode(bytes)
}
