import { beforeEach, describe, expect, it, vi } from 'vitest'

// Counts how often a seal is opened (the costly part), while the real iron-session does the work.
const unsealCalls = vi.hoisted(() => ({ count: 0 }))
vi.mock('iron-session', async (importOriginal) => {
  const real = await importOriginal<typeof import('iron-session')>()
  return {
    ...real,
    unsealData: (...args: Parameters<typeof real.unsealData>) => {
      unsealCalls.count++
      return real.unsealData(...args)
    },
  }
})
import { parseSessionConfig, type SessionConfig } from '../config'
import { cookieOptions, isWellFormedState, MAX_PENDING_TRANSACTIONS } from '../cookies/policy'
import { nowSeconds } from '../clock'
import {
  sealTransaction,
  staleTransactionCookies,
  transactionCookieName,
  openTransaction,
  type LoginTransaction,
} from './transaction-store'

const config = parseSessionConfig({
  APP_BASE_URL: 'http://localhost:3000',
  SESSION_SECRET: 't'.repeat(40),
}) as SessionConfig
/** Two secrets: a forged cookie used to be tried with each. */
const rotatedConfig = parseSessionConfig({
  APP_BASE_URL: 'http://localhost:3000',
  SESSION_SECRET: `${'t'.repeat(40)},${'o'.repeat(40)}`,
}) as SessionConfig
const httpsConfig = parseSessionConfig({
  APP_BASE_URL: 'https://app.example.com',
  SESSION_SECRET: 't'.repeat(40),
}) as SessionConfig

function transaction(state: string, createdAt = nowSeconds()): LoginTransaction {
  return {
    state,
    nonce: `nonce-${state}`,
    codeVerifier: `verifier-${state}`,
    provider: 'partner',
    fingerprint: 'fingerprint-of-partner',
    returnTo: '/profile',
    createdAt,
    options: { prompt: 'login' },
  }
}

const stateA = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
const stateB = 'BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB'

describe('login transactions', () => {
  beforeEach(() => {
    unsealCalls.count = 0
  })

  it('names each transaction cookie after its state', () => {
    expect(transactionCookieName(stateA, config)).toBe(`txn.${stateA}`)
  })

  it('on https binds the transaction to this host: a __Host- cookie, which a sibling subdomain cannot set', () => {
    // A sibling subdomain can plant `__Secure-` cookies with Domain=.example.com (login CSRF by cookie tossing);
    // browsers refuse `__Host-` cookies that carry a Domain or a Path other than /.
    expect(transactionCookieName(stateA, httpsConfig)).toBe(`__Host-txn.${stateA}`)
    const options = cookieOptions('transaction', httpsConfig)
    expect(options).toMatchObject({ secure: true, path: '/', httpOnly: true, sameSite: 'lax' })
    expect(options).not.toHaveProperty('domain')
  })

  it('accepts the states it generates', () => {
    expect(isWellFormedState(stateA)).toBe(true)
  })

  it.each([
    null,
    '',
    'short',
    'has space in it and is long enough',
    'semi;colon-aaaaaaaaaaaaaaaaaaaa',
    'x'.repeat(200),
  ])('refuses %j as a state', (state) => {
    expect(isWellFormedState(state)).toBe(false)
  })

  it('opens its own transaction', async () => {
    const original = transaction(stateA)
    expect(await openTransaction(await sealTransaction(original, config), stateA, config)).toEqual(original)
  })

  it("refuses another login's transaction", async () => {
    const sealed = await sealTransaction(transaction(stateA), config)
    expect(await openTransaction(sealed, stateB, config)).toBeUndefined()
  })

  it('refuses a tampered or foreign transaction cookie', async () => {
    const sealed = await sealTransaction(transaction(stateA), config)
    const i = Math.floor(sealed.length / 2)
    const tampered = sealed.slice(0, i) + (sealed[i] === 'a' ? 'b' : 'a') + sealed.slice(i + 1)
    expect(await openTransaction(tampered, stateA, config)).toBeUndefined()
    const foreign = await sealTransaction(transaction(stateA), { ...config, secrets: ['f'.repeat(40)] })
    expect(await openTransaction(foreign, stateA, config)).toBeUndefined()
  })

  it('refuses a transaction older than ten minutes', async () => {
    const sealed = await sealTransaction(transaction(stateA, nowSeconds() - 601), config)
    expect(await openTransaction(sealed, stateA, config)).toBeUndefined()
  })

  it('drops the oldest pending logins so cookies cannot pile up', async () => {
    const now = nowSeconds()
    const states = Array.from({ length: MAX_PENDING_TRANSACTIONS + 1 }, (_, i) => String(i).repeat(43))
    const cookies = await Promise.all(
      states.map(async (state, i) => ({
        name: `txn.${state}`,
        value: await sealTransaction(transaction(state, now - 100 + i), config),
      })),
    )
    cookies.push({ name: `txn.${'z'.repeat(43)}`, value: 'garbage' }, { name: 'session', value: 'unrelated' })

    const stale = await staleTransactionCookies(cookies, config)
    // The unreadable one, and all but the newest MAX - 1, so the new login makes MAX.
    expect(stale.sort()).toEqual(
      [
        `txn.${'z'.repeat(43)}`,
        ...states.slice(0, states.length - (MAX_PENDING_TRANSACTIONS - 1)).map((s) => `txn.${s}`),
      ].sort(),
    )
    expect(await staleTransactionCookies(cookies.slice(0, MAX_PENDING_TRANSACTIONS - 1), config)).toEqual([])
  })

  it('opens no forged near-empty seal, however many arrive', async () => {
    // 300 cookies named like transactions, each a seal with empty fields: refused by shape, before any crypto.
    const forged = Array.from({ length: 300 }, (_, i) => ({
      name: `txn.${String(i).padStart(43, 'x')}`,
      value: 'Fe26.2*1*s*i*e**h*d~2',
    }))
    const stale = await staleTransactionCookies(forged, rotatedConfig)
    expect(stale).toHaveLength(300)
    expect(unsealCalls.count).toBe(0)
  })

  it('opens at most the few transaction cookies a browser can hold, and deletes the rest unopened', async () => {
    // Well-formed seals (made with another secret): each one opened would cost a try per secret.
    const foreign = { ...config, secrets: ['f'.repeat(40)] as [string] }
    const value = await sealTransaction(transaction(stateA), foreign)
    const cookies = Array.from({ length: 300 }, (_, i) => ({ name: `txn.${String(i).padStart(43, 'x')}`, value }))
    const stale = await staleTransactionCookies(cookies, rotatedConfig)
    expect(stale).toHaveLength(300)
    expect(unsealCalls.count).toBeLessThanOrEqual(MAX_PENDING_TRANSACTIONS * rotatedConfig.secrets.length)
  })
})
