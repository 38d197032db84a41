/**
 * A Redis user allowed only some commands, on the tests' real redis-server:
 * a store that fails halfway (a write accepted, the next refused), as a Redis
 * with a too-narrow ACL does. Made before the calling file's tests, deleted
 * after them. Test code only.
 */
import { randomBytes } from 'node:crypto'
import { createClient } from 'redis'
import { afterAll, beforeAll } from 'vitest'

/** `redisUrl` as that user, once the file's tests run. */
export function narrowRedisUser(redisUrl: URL, commands: readonly string[]): { readonly url: () => URL } {
  const user = `narrow-${randomBytes(6).toString('hex')}`
  const password = randomBytes(12).toString('hex')
  const admin = createClient({ url: redisUrl.href })
  beforeAll(async () => {
    await admin.connect()
    await admin.sendCommand([
      'ACL',
      'SETUSER',
      user,
      'on',
      `>${password}`,
      '~*',
      '+@connection',
      ...commands.map((c) => `+${c}`),
    ])
  })
  afterAll(async () => {
    await admin.sendCommand(['ACL', 'DELUSER', user])
    admin.destroy()
  })
  return {
    url: () => {
      const url = new URL(redisUrl)
      url.username = user
      url.password = password
      return url
    },
  }
}
