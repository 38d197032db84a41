/**
 * The tests' redis-server, and a small control server so a test can do to it
 * what happens to a real one: stop it (SIGTERM, its data written), start it
 * again with its data, or start it empty (a Redis that lost everything).
 *   POST /stop   POST /start   POST /start?empty=true   GET /status
 * Loopback only. Without redis-server installed it exits at once, saying how
 * to install it: the Redis tests are never skipped in silence.
 */
import { createServer } from 'node:http'
import { LOG_DIR, REDIS_CONTROL, REDIS_PORT } from './environment.ts'
import { MISSING_REDIS_SERVER, redisServerBinary, startRedisServer, type RedisServer } from '../scripts/redis-server.ts'

try {
  redisServerBinary()
} catch {
  console.error(`\n${MISSING_REDIS_SERVER}\n`)
  process.exit(1)
}

const dir = `${LOG_DIR}/redis`
const start = (empty: boolean) => startRedisServer({ port: REDIS_PORT, dir, empty })
let redis: RedisServer | undefined = await start(true)

const control = createServer((req, res) => {
  const url = new URL(req.url ?? '/', REDIS_CONTROL)
  const answer = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  const act = async () => {
    if (req.method === 'GET' && url.pathname === '/status') return answer(200, { running: redis !== undefined })
    if (req.method === 'POST' && url.pathname === '/stop') {
      await redis?.stop()
      redis = undefined
      return answer(200, { running: false })
    }
    if (req.method === 'POST' && url.pathname === '/start') {
      await redis?.stop()
      redis = await start(url.searchParams.get('empty') === 'true')
      return answer(200, { running: true })
    }
    answer(404, { error: 'unknown control' })
  }
  act().catch((error: unknown) => answer(500, { error: String(error) }))
})
const { port, hostname } = new URL(REDIS_CONTROL)
await new Promise<void>((resolve) => control.listen(Number(port), hostname, resolve))
console.log(`Redis for the tests: redis://127.0.0.1:${REDIS_PORT} (control: ${REDIS_CONTROL})`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    control.close()
    void (redis?.stop() ?? Promise.resolve()).then(() => process.exit(0))
  })
}
