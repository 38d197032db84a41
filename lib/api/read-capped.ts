/**
 * Reading an answer's body up to a cap: a runaway body is cut, and the rest of
 * it never read (the stream is cancelled).
 */

/** The body's first `cap` bytes, as text; the rest is never read (the stream is cancelled). */
export async function readCapped(response: Response, cap: number): Promise<string> {
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let length = 0
  try {
    while (length < cap) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value.subarray(0, cap - length))
      length += Math.min(value.byteLength, cap - length)
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
  const bytes = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  // A multi-byte character cut at the cap becomes U+FFFD, not an error.
  return new TextDecoder().decode(bytes)
}
