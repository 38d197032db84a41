import { ConfigError, parseConfig } from '../config'

/** A complete configuration of one provider: the tests' starting point. */
export const VALID_ENV = {
  APP_BASE_URL: 'http://localhost:3000',
  SESSION_SECRET: 'x'.repeat(32),
  OIDC_ISSUER: 'https://login.example.com/oauth2/default',
  OIDC_CLIENT_ID: 'client-123',
  OIDC_CLIENT_SECRET: 'shh',
} as const

/** The problems a configuration is refused for; throws when it is accepted. */
export function configProblems(env: Record<string, string | undefined>): readonly string[] {
  try {
    parseConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  throw new Error('expected a ConfigError')
}
