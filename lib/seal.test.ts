/**
 * Sealing with rotating secrets: what a forged, tampered, foreign or expired
 * value reads as, and what a rotation does to a cookie sealed before it.
 */
import { sealData } from 'iron-session'
import { describe, expect, it, vi } from 'vitest'
import { isPlausibleSeal, MAX_SEAL_LENGTH, open, seal } from './seal'

const NEW = 'n'.repeat(40)
const OLD = 'o'.repeat(40)
const isGreeting = (data: unknown): data is { hello: string } => typeof (data as { hello?: unknown }).hello === 'string'

describe('seal and open', () => {
  it('opens what it sealed, with the newest secret, not stale', async () => {
    const sealed = await seal({ hello: 'world' }, [NEW, OLD], 60)
    expect(await open(sealed, [NEW, OLD], 60, isGreeting)).toEqual({ data: { hello: 'world' }, stale: false })
  })

  it('seals with the newest secret alone: a value made before the rotation opens, marked stale', async () => {
    const before = await seal({ hello: 'old' }, [OLD], 60)
    expect(await open(before, [NEW, OLD], 60, isGreeting)).toEqual({ data: { hello: 'old' }, stale: true })
    // Once the old secret is dropped, the value opens no more.
    expect(await open(before, [NEW], 60, isGreeting)).toBeUndefined()
    // And nothing sealed now needs the old secret.
    expect(await open(await seal({ hello: 'new' }, [NEW, OLD], 60), [NEW], 60, isGreeting)).toEqual({
      data: { hello: 'new' },
      stale: false,
    })
  })

  it('reads a tampered, truncated, extended or foreign value as nothing, never an exception', async () => {
    const sealed = await seal({ hello: 'world' }, [NEW], 60)
    const i = Math.floor(sealed.length / 2)
    const tampered = sealed.slice(0, i) + (sealed[i] === 'a' ? 'b' : 'a') + sealed.slice(i + 1)
    const cases = {
      tampered,
      truncated: sealed.slice(0, -5),
      extended: `${sealed}x`,
      foreign: await seal({ hello: 'x' }, ['f'.repeat(40)], 60),
      empty: '',
      missing: undefined,
    }
    for (const [name, value] of Object.entries(cases))
      expect(await open(value, [NEW], 60, isGreeting), name).toBeUndefined()
  })

  it("reads an expired value as nothing (past its ttl and iron's minute of clock skew)", async () => {
    const sealed = await sealData({ hello: 'world' }, { password: NEW, ttl: 60 })
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime(Date.now() + 30_000)
      expect(await open(sealed, [NEW], 60, isGreeting)).toBeDefined()
      vi.setSystemTime(Date.now() + 120_000)
      expect(await open(sealed, [NEW], 60, isGreeting)).toBeUndefined()
    } finally {
      vi.useRealTimers()
    }
  })

  it('refuses data of another shape even when the seal is good', async () => {
    const sealed = await seal({ goodbye: 'world' }, [NEW], 60)
    expect(await open(sealed, [NEW], 60, isGreeting)).toBeUndefined()
  })
})

describe("a seal's shape", () => {
  it('is recognised field by field, before any crypto', async () => {
    const sealed = await seal({ hello: 'world' }, [NEW], 60)
    expect(isPlausibleSeal(sealed)).toBe(true)
    // The near-empty forgery that used to cost a key derivation per secret.
    expect(isPlausibleSeal('Fe26.2*1*s*i*e**h*d~2')).toBe(false)
    expect(isPlausibleSeal(sealed.replace('Fe26.2', 'Fe26.1'))).toBe(false)
    expect(isPlausibleSeal(`${sealed}~2`)).toBe(false)
    expect(isPlausibleSeal(undefined)).toBe(false)
  })

  it('is refused past the length one cookie can hold, unless the caller allows more', async () => {
    const big = await seal({ hello: 'x'.repeat(MAX_SEAL_LENGTH) }, [NEW], 60)
    expect(big.length).toBeGreaterThan(MAX_SEAL_LENGTH)
    expect(await open(big, [NEW], 60, isGreeting)).toBeUndefined()
    expect(await open(big, [NEW], 60, isGreeting, 2 * big.length)).toMatchObject({ stale: false })
  })
})
