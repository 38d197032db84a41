import { ConfigError, parseConfig } from '../config'

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
