/**
 * A back-channel logout token ends its sessions once, and a token whose ending
 * failed still works when the provider retries it. Against a real redis-server
 * whose ACL lets this app record a token but not end sessions (as a Redis with
 * a too-narrow ACL, or one that fails halfway, does).
 */
import { randomBytes } from 'node:crypto'
import { describe, expect, inject, it } from 'vitest'
import { newSessionId } from '../session/session'
import { nowSeconds } from '../clock'
import { storeNames } from '../session/store/names'
import { RedisSessionStore } from '../session/store/redis'
import { isStoreUnavailable } from '../session/store/store'
import { narrowRedisUser } from '../testing/narrow-redis-user'
import { endByLogoutToken } from './backchannel'

const redisUrl = new URL(inject('redisUrl'))
const names = storeNames(['backchannel-test-secret-0123456789-abcdefgh'])
const unique = () => randomBytes(6).toString('hex')

// May read and record logout tokens (EXISTS, SET), may not read or delete sessions (SMEMBERS, ZRANGE, DEL).
const narrow = narrowRedisUser(redisUrl, ['exists', 'set', 'hset', 'zadd', 'sadd', 'expireat', 'multi', 'exec'])

describe('back-channel logout', () => {
  it('accepts the retry of a token whose ending failed, ends the sessions then, and refuses a replay after that', async () => {
    const prefix = `test:${unique()}:`
    const failing = new RedisSessionStore(narrow.url(), prefix, names)
    const store = new RedisSessionStore(redisUrl, prefix, names)
    const [sub, sid] = [unique(), unique()]
    const session = {
      id: newSessionId(),
      provider: 'default',
      sub,
      sid,
      createdAt: nowSeconds(),
      expiresAt: nowSeconds() + 3600,
    }
    await store.begin(session, 'Firefox on Linux')
    const claims = { jti: unique(), sid, sub, iat: nowSeconds() }

    await expect(endByLogoutToken(failing, 'default', claims)).rejects.toSatisfy(isStoreUnavailable)
    expect(await store.isLive(session, null), 'nothing ended yet').toBe(true)

    expect(await endByLogoutToken(store, 'default', claims)).toBe('ended')
    expect(await store.isLive(session, null)).toBe(false)
    expect(await endByLogoutToken(store, 'default', claims)).toBe('replay')
  })
})
