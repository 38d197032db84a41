import { describe, expect, it } from 'vitest'
import { readBody, readCapped } from './body'

/** A body that arrives in `chunks`, noting how many were pulled and whether the reader gave up on the rest. */
function streamOf(chunks: readonly string[]) {
  const seen = { pulled: 0, cancelled: false }
  const encoder = new TextEncoder()
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[seen.pulled++]
      if (chunk === undefined) controller.close()
      else controller.enqueue(encoder.encode(chunk))
    },
    cancel() {
      seen.cancelled = true
    },
  })
  return { stream, seen }
}

const post = (body: ReadableStream<Uint8Array> | string | null, headers: Record<string, string> = {}) =>
  new Request('http://localhost/x', { method: 'POST', body, headers, duplex: 'half' } as RequestInit)

describe('readBody', () => {
  it('reads a body up to the limit, to the byte', async () => {
    expect(new TextDecoder().decode((await readBody(post('a'.repeat(16)), 16))!)).toBe('a'.repeat(16))
    expect(await readBody(post(null), 16)).toEqual(new Uint8Array(0))
  })

  it('refuses a body over the limit without reading the rest: by its Content-Length, or as it streams', async () => {
    expect(await readBody(post('x', { 'content-length': '17' }), 16)).toBeNull()
    const { stream, seen } = streamOf(['a'.repeat(10), 'b'.repeat(10), 'c'.repeat(10), 'd'.repeat(10)])
    expect(await readBody(post(stream), 16)).toBeNull()
    expect(seen.cancelled).toBe(true)
    expect(seen.pulled).toBeLessThan(4)
  })
})

describe('readCapped', () => {
  it('keeps the first bytes of a runaway answer and reads no further', async () => {
    const { stream, seen } = streamOf(['hello ', 'world ', 'and more', ' and more'])
    expect(await readCapped(new Response(stream), 8)).toBe('hello wo')
    expect(seen.cancelled).toBe(true)
    expect(seen.pulled).toBeLessThan(4)
  })

  it('gives a whole short answer, an empty one for none, and a character cut at the cap as U+FFFD', async () => {
    expect(await readCapped(new Response('short'), 64)).toBe('short')
    expect(await readCapped(new Response(null), 64)).toBe('')
    expect(await readCapped(new Response('ab€'), 4)).toBe('ab\uFFFD')
  })
})
