import { describe, expect, it } from 'vitest'
import { parseSessionConfig, type SessionConfig } from './config'
import { nowSeconds } from './session'
import {
  isWellFormedState,
  MAX_PENDING_TRANSACTIONS,
  sealTransaction,
  staleTransactionCookies,
  transactionCookieName,
  unsealTransaction,
  type LoginTransaction,
} from './transaction'

const config = parseSessionConfig({ APP_BASE_URL: 'http://localhost:3000', SESSION_SECRET: 't'.repeat(40) }) as SessionConfig
const httpsConfig = parseSessionConfig({ APP_BASE_URL: 'https://app.example.com', SESSION_SECRET: 't'.repeat(40) }) as SessionConfig

function transaction(state: string, createdAt = nowSeconds()): LoginTransaction {
  return { state, nonce: `nonce-${state}`, codeVerifier: `verifier-${state}`, returnTo: '/profile', createdAt, options: { prompt: 'login' } }
}

const stateA = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
const stateB = 'BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB'

describe('login transactions', () => {
  it('names each transaction cookie after its state', () => {
    expect(transactionCookieName(stateA, config)).toBe(`txn.${stateA}`)
    expect(transactionCookieName(stateA, httpsConfig)).toBe(`__Secure-txn.${stateA}`)
  })

  it('accepts the states it generates', () => {
    expect(isWellFormedState(stateA)).toBe(true)
  })

  it.each([null, '', 'short', 'has space in it and is long enough', 'semi;colon-aaaaaaaaaaaaaaaaaaaa', 'x'.repeat(200)])(
    'refuses %j as a state',
    (state) => {
      expect(isWellFormedState(state)).toBe(false)
    },
  )

  it('opens its own transaction', async () => {
    const original = transaction(stateA)
    expect(await unsealTransaction(await sealTransaction(original, config), stateA, config)).toEqual(original)
  })

  it("refuses another login's transaction", async () => {
    const sealed = await sealTransaction(transaction(stateA), config)
    expect(await unsealTransaction(sealed, stateB, config)).toBeUndefined()
  })

  it('refuses a tampered or foreign transaction cookie', async () => {
    const sealed = await sealTransaction(transaction(stateA), config)
    const i = Math.floor(sealed.length / 2)
    const tampered = sealed.slice(0, i) + (sealed[i] === 'a' ? 'b' : 'a') + sealed.slice(i + 1)
    expect(await unsealTransaction(tampered, stateA, config)).toBeUndefined()
    const foreign = await sealTransaction(transaction(stateA), { ...config, secrets: ['f'.repeat(40)] })
    expect(await unsealTransaction(foreign, stateA, config)).toBeUndefined()
  })

  it('refuses a transaction older than ten minutes', async () => {
    const sealed = await sealTransaction(transaction(stateA, nowSeconds() - 601), config)
    expect(await unsealTransaction(sealed, stateA, config)).toBeUndefined()
  })

  it('drops the oldest pending logins so cookies cannot pile up', async () => {
    const now = nowSeconds()
    const states = Array.from({ length: MAX_PENDING_TRANSACTIONS + 1 }, (_, i) => String(i).repeat(43))
    const cookies = await Promise.all(
      states.map(async (state, i) => ({ name: `txn.${state}`, value: await sealTransaction(transaction(state, now - 100 + i), config) })),
    )
    cookies.push({ name: `txn.${'z'.repeat(43)}`, value: 'garbage' }, { name: 'session', value: 'unrelated' })

    const stale = await staleTransactionCookies(cookies, config)
    // The unreadable one, and all but the newest MAX - 1, so the new login makes MAX.
    expect(stale.sort()).toEqual(
      [`txn.${'z'.repeat(43)}`, ...states.slice(0, states.length - (MAX_PENDING_TRANSACTIONS - 1)).map((s) => `txn.${s}`)].sort(),
    )
    expect(await staleTransactionCookies(cookies.slice(0, MAX_PENDING_TRANSACTIONS - 1), config)).toEqual([])
  })
})
