import { describe, expect, it } from 'vitest'
import { testSession } from '../testing/session'
import { unsignedJwt } from '../testing/tokens'
import { authentication, displayName, sessionUser, type UserClaims } from './claims'

describe('the user, as the provider described them', () => {
  it('is the ID token claims plus what userinfo added, without the claims about the token', () => {
    const session = {
      ...testSession({
        idToken: unsignedJwt({
          iss: 'https://op',
          aud: 'app',
          exp: 1,
          iat: 1,
          nonce: 'n',
          sid: 's',
          sub: 'u1',
          name: 'Ada',
        }),
      }),
      claims: { email: 'ada@example.com' },
    }
    expect(sessionUser(session)).toEqual({ sub: 'u1', name: 'Ada', email: 'ada@example.com' })
    // Read once per session object, however many components show the user.
    expect(sessionUser(session)).toBe(sessionUser(session))
  })

  it('takes how the user last authenticated from the ID token alone, never from userinfo', () => {
    const session = {
      ...testSession({ idToken: unsignedJwt({ sub: 'u1', auth_time: 1700, acr: 'mfa' }) }),
      claims: { acr: 'weak' },
    }
    expect(authentication(session)).toEqual({ authTime: 1700, acr: 'mfa' })
    expect(authentication(testSession({ idToken: unsignedJwt({ sub: 'u1' }) }))).toEqual({})
  })

  it('is called by the best name there is: name, given and family names, username, e-mail, then sub', () => {
    const user = (claims: Record<string, string>): UserClaims => ({ sub: 'u1', ...claims })
    expect(displayName(user({ name: 'Ada Lovelace', given_name: 'A' }))).toBe('Ada Lovelace')
    expect(displayName(user({ given_name: 'Ada', family_name: 'Lovelace' }))).toBe('Ada Lovelace')
    expect(displayName(user({ family_name: 'Lovelace' }))).toBe('Lovelace')
    expect(displayName(user({ name: '', preferred_username: 'ada' }))).toBe('ada')
    expect(displayName(user({ email: 'ada@example.com' }))).toBe('ada@example.com')
    expect(displayName(user({}))).toBe('u1')
  })
})
