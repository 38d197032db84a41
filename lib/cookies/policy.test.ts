import { describe, expect, it } from 'vitest'
import { COOKIES, cookieName, cookieOptions, SESSION_COOKIE_NAMES, type CookieKind } from './policy'

const KINDS = Object.keys(COOKIES) as CookieKind[]
const https = { secureCookies: true }
const http = { secureCookies: false }

describe('every cookie the app sets', () => {
  it('is __Host- on https: Secure, host-only and Path=/, so a sibling subdomain cannot plant or shadow it', () => {
    for (const kind of KINDS) {
      expect(cookieName(kind, https), kind).toMatch(/^__Host-/)
      expect(cookieOptions(kind, https), kind).toMatchObject({ secure: true, path: '/' })
    }
  })

  it('is HttpOnly and SameSite=Lax everywhere (the provider returns with a cross-site GET that must carry it)', () => {
    for (const kind of KINDS) {
      for (const site of [http, https])
        expect(cookieOptions(kind, site), kind).toMatchObject({ httpOnly: true, sameSite: 'lax' })
    }
  })

  it('on plain http has no prefix and no Secure, and a login transaction keeps to /auth', () => {
    expect(KINDS.map((kind) => cookieName(kind, http))).toEqual(['session', 'txn.', 'logout-state'])
    for (const kind of KINDS) expect(cookieOptions(kind, http).secure, kind).toBe(false)
    expect(cookieOptions('transaction', http).path).toBe('/auth')
    expect(cookieOptions('session', http).path).toBe('/')
  })

  it('lasts as long as its purpose: ten minutes for a login or a sign-out, the given time for a session, 0 to delete', () => {
    expect(cookieOptions('transaction', https).maxAge).toBe(600)
    expect(cookieOptions('logoutState', https).maxAge).toBe(600)
    expect(cookieOptions('session', https, 3600).maxAge).toBe(3600)
    expect(cookieOptions('session', https, -5).maxAge).toBe(0)
    expect(cookieOptions('transaction', https, 0).maxAge).toBe(0)
  })

  it('lists every name a session can arrive under, for the rewrites that must see it', () => {
    expect([...SESSION_COOKIE_NAMES].sort()).toEqual(['__Host-session', '__Host-session.0', 'session', 'session.0'])
  })
})
