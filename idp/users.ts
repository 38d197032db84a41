/** The demo users of the local provider, with the profile claims a real provider would release. */

export interface DemoUser {
  readonly username: string
  readonly password: string
  readonly sub: string
  readonly claims: Readonly<Record<string, string | number | boolean>>
  /** Colour of the avatar the provider draws for this user. */
  readonly colour: string
}

export const DEMO_USERS: readonly DemoUser[] = [
  {
    username: 'alice',
    password: 'alice-password',
    sub: '248289761001',
    colour: '#4f46e5',
    claims: {
      name: 'Alice Adams',
      given_name: 'Alice',
      family_name: 'Adams',
      preferred_username: 'alice',
      email: 'alice@example.com',
      email_verified: true,
      locale: 'en-GB',
      zoneinfo: 'Europe/London',
      updated_at: 1767225600,
    },
  },
  {
    username: 'bob',
    password: 'bob-password',
    sub: '248289761002',
    colour: '#0d9488',
    claims: {
      name: 'Bob Baker',
      given_name: 'Bob',
      family_name: 'Baker',
      preferred_username: 'bob',
      email: 'bob@example.org',
      email_verified: false,
      locale: 'fr-FR',
      zoneinfo: 'Europe/Paris',
      updated_at: 1767225600,
    },
  },
]

export function findUserBySub(sub: string): DemoUser | undefined {
  return DEMO_USERS.find((user) => user.sub === sub)
}

export function findUserByUsername(username: string): DemoUser | undefined {
  return DEMO_USERS.find((u) => u.username === username.trim().toLowerCase())
}

export function findUserByCredentials(username: string, password: string): DemoUser | undefined {
  const user = findUserByUsername(username)
  return user && user.password === password ? user : undefined
}
