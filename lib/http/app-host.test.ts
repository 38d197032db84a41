import { NextRequest } from 'next/server'
import { describe, expect, it } from 'vitest'
import { onAppHost } from './app-host'

const appBaseUrl = new URL('http://localhost:3000')
const at = (url: string, headers: Record<string, string> = {}) => new NextRequest(url, { headers })

describe('a login started on another host name', () => {
  it("moves to APP_BASE_URL's host first, with its path and query, where the callback will see its cookie", () => {
    const moved = onAppHost(
      at('http://127.0.0.1:3000/auth/login?returnTo=%2Fprofile', { host: '127.0.0.1:3000' }),
      appBaseUrl,
    )
    expect(moved?.href).toBe('http://localhost:3000/auth/login?returnTo=%2Fprofile&moved=1')
  })

  it('stays where it is on the right host name (whatever the port), by X-Forwarded-Host first', () => {
    expect(onAppHost(at('http://localhost:3000/auth/login', { host: 'localhost:3000' }), appBaseUrl)).toBeUndefined()
    expect(onAppHost(at('http://localhost:8080/auth/login', { host: 'localhost:8080' }), appBaseUrl)).toBeUndefined()
    const proxied = at('http://10.0.0.5:3000/auth/login', {
      host: '10.0.0.5:3000',
      'x-forwarded-host': 'localhost, proxy.internal',
    })
    expect(onAppHost(proxied, appBaseUrl)).toBeUndefined()
  })

  it('moves once only: behind a proxy that rewrites Host it goes on rather than loop', () => {
    const again = at('http://10.0.0.5:3000/auth/login?returnTo=%2F&moved=1', { host: '10.0.0.5:3000' })
    expect(onAppHost(again, appBaseUrl)).toBeUndefined()
  })

  it('only ever moves to APP_BASE_URL, whatever host a request claims', () => {
    const lying = at('http://localhost:3000/auth/login?returnTo=%2F', {
      host: 'evil.example',
      'x-forwarded-host': 'evil.example',
    })
    expect(onAppHost(lying, appBaseUrl)?.origin).toBe('http://localhost:3000')
  })
})
