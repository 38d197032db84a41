/**
 * Sequential full logins against a fresh server: how long each takes, and
 * what the app asked of the provider for each (the first after start-up pays
 * for what later ones reuse).
 */
import { signIn, type Login } from './login.ts'
import type { Pair } from './pair.ts'
import { countsBetween, type EndpointCounts } from './provider.ts'

export interface LoginRun {
  /** What the app asked of the provider from its spawn up to the first login. */
  readonly startup: EndpointCounts
  /** Milliseconds per login, in order; the first is the first after start-up. */
  readonly times: readonly number[]
  /** The app's provider requests per login, in order. */
  readonly perLogin: readonly EndpointCounts[]
  readonly last: Login
}

/** One login, with the provider requests it caused. */
export async function countedLogin(pair: Pair): Promise<{ login: Login; counts: EndpointCounts }> {
  const before = pair.provider.counts()
  const login = await signIn(pair.app.baseUrl)
  return { login, counts: countsBetween(before, pair.provider.counts()) }
}

export async function runLogins(pair: Pair, count: number): Promise<LoginRun> {
  const startup = pair.provider.counts()
  const times: number[] = []
  const perLogin: EndpointCounts[] = []
  let last: Login | undefined
  for (let i = 0; i < count; i++) {
    const { login, counts } = await countedLogin(pair)
    times.push(login.ms)
    perLogin.push(counts)
    last = login
  }
  if (!last) throw new Error('No login was run.')
  return { startup, times, perLogin, last }
}
