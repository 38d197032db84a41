import { afterEach, describe, expect, it, vi } from 'vitest'

/** The module as a runtime with or without Node's Buffer loads it (middleware on Edge has none). */
async function load(withBuffer: boolean): Promise<typeof import('./base64url')> {
  vi.resetModules()
  if (!withBuffer) vi.stubGlobal('Buffer', undefined)
  return import('./base64url')
}

afterEach(() => vi.unstubAllGlobals())

describe.each([true, false])('base64url, Node decoder %s', (withBuffer) => {
  it('decodes what it encodes, every length and every byte', async () => {
    const { base64UrlDecode, base64UrlEncode } = await load(withBuffer)
    for (let length = 0; length < 70; length++) {
      const bytes = crypto.getRandomValues(new Uint8Array(length))
      const text = base64UrlEncode(bytes)
      expect(text).toMatch(/^[\w-]*$/)
      expect([...base64UrlDecode(text)]).toEqual([...bytes])
    }
    expect(new TextDecoder().decode(base64UrlDecode('eyJzdWIiOiLDqSJ9'))).toBe('{"sub":"é"}')
  })

  it('throws on anything that is not base64url', async () => {
    const { base64UrlDecode } = await load(withBuffer)
    for (const text of ['a+b/', 'abc=', 'ab cd', 'abcde', 'a.b', '€'])
      expect(() => base64UrlDecode(text), text).toThrow(TypeError)
  })
})
