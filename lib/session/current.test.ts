/**
 * A route handler's view of the request's session (readRequestSession): the
 * cookie read and opened once, the store asked at most once however many
 * steps want its answer; and a cookie that does not open, or whose session
 * ended elsewhere, dropped on the way out. Against the real embedded store.
 */
import { NextRequest, NextResponse } from 'next/server'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { loadApp } from '../testing/app-env'
import { testSession } from '../testing/session'
import type { Session } from './session'

const { getConfig, getSessionStore, sessionRef, sealSession } = await loadApp('current')
const current = await import('./current')
afterAll(() => {
  vi.restoreAllMocks()
  vi.unstubAllEnvs()
})

/** A signed-in browser's request: a session the store has begun, its cookie on the request. */
async function signedIn(): Promise<{ session: Session; request: NextRequest }> {
  const session = testSession()
  await getSessionStore().begin(sessionRef(session), 'Firefox on Linux')
  const cookie = await sealSession(session, getConfig().session)
  return {
    session,
    request: new NextRequest('http://localhost:3000/auth/logout', { headers: { cookie: `session=${cookie}` } }),
  }
}

describe("a route handler's session", () => {
  it('is opened once and asked of the store once, however many steps want to know', async () => {
    const { session, request } = await signedIn()
    const isLive = vi.spyOn(getSessionStore(), 'isLive')
    const read = await current.readRequestSession(request)
    expect(read.hasCookie).toBe(true)
    expect(read.session?.id).toBe(session.id)
    expect(isLive).not.toHaveBeenCalled()
    const [first, second] = await Promise.all([read.state(), read.state()])
    expect(await read.state()).toBe(first)
    expect(second).toBe(first)
    expect(first).toMatchObject({ status: 'active' })
    expect(isLive).toHaveBeenCalledTimes(1)
    isLive.mockRestore()
  })

  it('has no session for a tampered cookie, and says to drop it', async () => {
    const request = new NextRequest('http://localhost:3000/auth/login', {
      headers: { cookie: 'session=Fe26.2**tampered' },
    })
    const read = await current.readRequestSession(request)
    expect(read).toMatchObject({ hasCookie: true, session: undefined })
    expect(await read.state()).toEqual({ status: 'signed-out', clearCookie: true })
    const response = NextResponse.redirect('http://localhost:3000/')
    await current.dropDeadSessionCookie(read, response)
    expect(response.headers.getSetCookie().join('\n')).toMatch(/^session=;/m)
  })

  it('drops the cookie of a session ended elsewhere, keeps a live one, and leaves a browser without one alone', async () => {
    const ended = await signedIn()
    await getSessionStore().end(sessionRef(ended.session))
    const endedRead = await current.readRequestSession(ended.request)
    expect(endedRead.session?.id).toBe(ended.session.id)
    const dropped = NextResponse.redirect('http://localhost:3000/')
    await current.dropDeadSessionCookie(endedRead, dropped)
    expect(dropped.headers.getSetCookie().join('\n')).toMatch(/^session=;/m)

    const live = NextResponse.redirect('http://localhost:3000/')
    await current.dropDeadSessionCookie(await current.readRequestSession((await signedIn()).request), live)
    expect(live.headers.getSetCookie()).toEqual([])

    const anonymous = await current.readRequestSession(new NextRequest('http://localhost:3000/auth/login'))
    expect(anonymous).toMatchObject({ hasCookie: false, session: undefined })
    const untouched = NextResponse.redirect('http://localhost:3000/')
    await current.dropDeadSessionCookie(anonymous, untouched)
    expect(untouched.headers.getSetCookie()).toEqual([])
  })
})
