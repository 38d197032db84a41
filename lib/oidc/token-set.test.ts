import { afterEach, describe, expect, it, vi } from 'vitest'
import { tokenSetFrom, type TokenSet } from './token-set'

afterEach(() => vi.useRealTimers())

const NOW = 1_800_000_000

describe('a token response, as the session keeps it', () => {
  it('times the refresh a minute before the access token expires, or at three quarters of a short life', () => {
    vi.useFakeTimers({ now: NOW * 1000 })
    const long = tokenSetFrom(
      { access_token: 'a', token_type: 'bearer', expires_in: 3600, refresh_token: 'r' },
      'id',
      {},
    )
    expect(long).toMatchObject({ accessTokenExpiresAt: NOW + 3600, refreshAt: NOW + 3540 })
    const short = tokenSetFrom(
      { access_token: 'a', token_type: 'bearer', expires_in: 120, refresh_token: 'r' },
      'id',
      {},
    )
    expect(short.refreshAt).toBe(NOW + 90)
  })

  it('plans no refresh without a refresh token or without a lifetime', () => {
    expect(tokenSetFrom({ access_token: 'a', token_type: 'bearer', expires_in: 300 }, 'id', {})).not.toHaveProperty(
      'refreshAt',
    )
    expect(tokenSetFrom({ access_token: 'a', token_type: 'bearer', refresh_token: 'r' }, 'id', {})).not.toHaveProperty(
      'refreshAt',
    )
  })

  it('keeps the refresh token and scope it had when a refresh answer leaves them out (RFC 6749 §5.1), and takes new ones', () => {
    const previous: TokenSet = {
      idToken: 'id',
      claims: {},
      accessToken: 'old',
      refreshToken: 'r1',
      scope: 'openid email',
    }
    const kept = tokenSetFrom(
      { access_token: 'new', token_type: 'bearer', expires_in: 300 },
      'id2',
      { role: 'admin' },
      previous,
    )
    expect(kept).toMatchObject({
      idToken: 'id2',
      claims: { role: 'admin' },
      accessToken: 'new',
      refreshToken: 'r1',
      scope: 'openid email',
    })
    const rotated = tokenSetFrom(
      { access_token: 'new', token_type: 'bearer', refresh_token: 'r2', scope: 'openid' },
      'id',
      {},
      previous,
    )
    expect(rotated).toMatchObject({ refreshToken: 'r2', scope: 'openid' })
  })
})
