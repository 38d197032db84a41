import { afterEach, describe, expect, it, vi } from 'vitest'
import { isoTime, nowSeconds } from './clock'

afterEach(() => vi.useRealTimers())

describe('the clock', () => {
  it('tells whole seconds since the epoch, rounded down', () => {
    vi.useFakeTimers({ now: 1_764_766_800_999 })
    expect(nowSeconds()).toBe(1_764_766_800)
  })

  it('writes ISO 8601 in UTC, to the second or with milliseconds', () => {
    expect(isoTime(1_764_766_800)).toBe('2025-12-03T13:00:00Z')
    expect(isoTime(1_764_766_800, 'milliseconds')).toBe('2025-12-03T13:00:00.000Z')
  })
})
