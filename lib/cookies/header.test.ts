import { describe, expect, it } from 'vitest'
import { parseSessionConfig, type SessionConfig } from '../config'
import { MAX_COOKIES_AS_SENT, ownCookieHeader } from './header'

const config = parseSessionConfig(
  { APP_BASE_URL: 'http://localhost:3000', SESSION_SECRET: 'c'.repeat(40) },
  [],
) as SessionConfig
const seal = (n: number) =>
  `Fe26.2**${'a'.repeat(64)}*${'b'.repeat(22)}*payload${n}**${'c'.repeat(64)}*${'d'.repeat(43)}~2`
const state = (n: number) => String(n).padStart(43, 's')

describe('the Cookie header passed to our handlers', () => {
  it('passes a usual header as it is', () => {
    const usual = ['session=abc', 'theme=dark', `txn.${state(1)}=${seal(1)}`].join('; ')
    expect(ownCookieHeader(usual, config)).toBeUndefined()
    expect(ownCookieHeader(null, config)).toBeUndefined()
  })

  it('cuts a crowded one to ours: the session and its chunks, the logout state, the newest plausible logins, and a few forged ones to delete', () => {
    const forged = Array.from({ length: 300 }, (_, i) => `txn.${String(i).padStart(16, 'x')}=Fe26.2*1*s*i*e**h*d~2`)
    const theirs = Array.from({ length: 50 }, (_, i) => `_ga${i}=GA1.2.${i}`)
    const logins = [1, 2, 3, 4].map((n) => `txn.${state(n)}=${seal(n)}`)
    const ours = ['session.0=part-one', 'session.1=part-two', 'logout-state=xyz']
    const header = [...theirs, ...forged, ...logins, ...ours].join('; ')
    expect(header.split(';').length).toBeGreaterThan(MAX_COOKIES_AS_SENT)
    const passed = ownCookieHeader(header, config)!.split('; ')
    expect(passed.slice(0, 3)).toEqual(ours)
    expect(passed.filter((p) => p.startsWith('_ga'))).toEqual([])
    expect(passed.filter((p) => forged.includes(p))).toHaveLength(6)
    // The three newest logins that could be ours, byte for byte.
    expect(passed.slice(-3)).toEqual(logins.slice(1))
    expect(passed.length).toBe(3 + 6 + 3)
  })
})
