/**
 * The session's cookies, as a browser would hold them: one cookie when the
 * session fits, chunks when it does not, and never a stale chunk left behind.
 */
import { describe, expect, it } from 'vitest'
import { sessionConfigFrom } from '../config'
import type { CookieOptions } from '../cookies/policy'
import { CHUNK_SIZE, clearSessionCookie, MAX_CHUNKS, readSessionCookie, writeSessionCookie } from './cookies'
import { nowSeconds } from '../clock'

const http = sessionConfigFrom({ APP_BASE_URL: 'http://localhost:3000', SESSION_SECRET: 's'.repeat(40) })
const https = sessionConfigFrom({ APP_BASE_URL: 'https://app.example.com', SESSION_SECRET: 's'.repeat(40) })

/** A browser's cookie jar: a set with maxAge 0 deletes, as Set-Cookie does. */
class Jar {
  readonly cookies = new Map<string, string>()
  readonly written: { name: string; value: string; options: CookieOptions }[] = []

  constructor(initial: Record<string, string> = {}) {
    for (const [name, value] of Object.entries(initial)) this.cookies.set(name, value)
  }

  get(name: string) {
    const value = this.cookies.get(name)
    return value === undefined ? undefined : { value }
  }

  set(name: string, value: string, options: CookieOptions) {
    this.written.push({ name, value, options })
    if (options.maxAge === 0) this.cookies.delete(name)
    else this.cookies.set(name, value)
  }
}

const expiresIn = (seconds: number) => nowSeconds() + seconds

describe('session cookies', () => {
  it('hold a small session in one cookie, httpOnly, SameSite=Lax, Path=/, until the session ends', () => {
    const jar = new Jar()
    writeSessionCookie(jar, 'sealed-value', expiresIn(3600), http)
    expect([...jar.cookies]).toEqual([['session', 'sealed-value']])
    const { options } = jar.written.find((w) => w.name === 'session')!
    expect(options).toMatchObject({ httpOnly: true, secure: false, sameSite: 'lax', path: '/' })
    expect(options.maxAge).toBeGreaterThan(3590)
    expect(options.maxAge).toBeLessThanOrEqual(3600)
    expect(readSessionCookie(jar, http)).toBe('sealed-value')
  })

  it('are __Host- and Secure on https', () => {
    const jar = new Jar()
    writeSessionCookie(jar, 'sealed-value', expiresIn(60), https)
    expect([...jar.cookies.keys()]).toEqual(['__Host-session'])
    expect(jar.written[0]!.options.secure).toBe(true)
  })

  it('split a large session into chunks that read back whole, and drop the single cookie', () => {
    const big = 'x'.repeat(CHUNK_SIZE * 2 + 10)
    const jar = new Jar({ session: 'an-older-small-session' })
    writeSessionCookie(jar, big, expiresIn(60), http)
    expect([...jar.cookies.keys()].sort()).toEqual(['session.0', 'session.1', 'session.2'])
    for (const value of jar.cookies.values()) expect(value.length).toBeLessThanOrEqual(CHUNK_SIZE)
    expect(readSessionCookie(jar, http)).toBe(big)
  })

  it('leave no chunk of a larger session behind when a smaller one is written', () => {
    const jar = new Jar()
    writeSessionCookie(jar, 'y'.repeat(CHUNK_SIZE * 3), expiresIn(60), http)
    writeSessionCookie(jar, 'z'.repeat(CHUNK_SIZE + 1), expiresIn(60), http)
    expect([...jar.cookies.keys()].sort()).toEqual(['session.0', 'session.1'])
    writeSessionCookie(jar, 'small', expiresIn(60), http)
    expect([...jar.cookies]).toEqual([['session', 'small']])
  })

  it('delete only what the browser holds when told what it holds (a touch writes one Set-Cookie)', () => {
    const present = new Jar({ session: 'old' })
    const response = new Jar()
    writeSessionCookie(response, 'new', expiresIn(60), http, present)
    expect(response.written.map((w) => w.name)).toEqual(['session'])
  })

  it('are cleared in every form, whole and chunked', () => {
    const jar = new Jar({ session: 'a', 'session.0': 'b', 'session.1': 'c', other: 'kept' })
    clearSessionCookie(jar, http)
    expect([...jar.cookies]).toEqual([['other', 'kept']])
    expect(jar.written).toHaveLength(1 + MAX_CHUNKS)
    expect(readSessionCookie(jar, http)).toBeUndefined()
  })

  it('read chunks only from the first, in order, and stop at a gap', () => {
    expect(readSessionCookie(new Jar({ 'session.1': 'b' }), http)).toBeUndefined()
    expect(readSessionCookie(new Jar({ 'session.0': 'a', 'session.2': 'c' }), http)).toBe('a')
    // A whole cookie wins over stray chunks.
    expect(readSessionCookie(new Jar({ session: 'whole', 'session.0': 'a' }), http)).toBe('whole')
  })
})
