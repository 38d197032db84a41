/**
 * Reading the environment: the helpers every part of the configuration uses,
 * and the one error that lists every problem found. Plain string parsing, so
 * middleware can use it on either runtime.
 */

export type Env = Readonly<Record<string, string | undefined>>

export class ConfigError extends Error {
  readonly problems: readonly string[]

  constructor(problems: readonly string[]) {
    super(
      `The app is not configured correctly:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Set these variables in the environment or in .env.local (see .env.example).',
    )
    this.name = 'ConfigError'
    this.problems = problems
  }
}

/** Reads a variable, treating empty and whitespace-only values as unset. */
export function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim()
  return value ? value : undefined
}

/** An http(s) URL, or undefined for anything else. */
export function parseUrl(value: string): URL | undefined {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined
  } catch {
    return undefined
  }
}

/** `true` or `false`; anything else is a problem (and reads as false). */
export function parseFlag(env: Env, name: string, problems: string[]): boolean {
  const raw = read(env, name)
  if (raw && raw !== 'true' && raw !== 'false') problems.push(`${name} must be "true" or "false"; got "${raw}".`)
  return raw === 'true'
}

export function parseSeconds(env: Env, name: string, fallback: number, problems: string[]): number | undefined {
  const raw = read(env, name)
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value < 60 || value > 366 * 24 * 3600) {
    problems.push(`${name} must be a whole number of seconds between 60 and 31622400; got "${raw}".`)
    return undefined
  }
  return value
}

/**
 * True for hosts that cannot leave this machine. Only such an issuer may be
 * plain http without an explicit opt-in: that is the embedded local provider.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host)
}
