/**
 * The tests' Redis Cluster (e2e/environment.ts's CLUSTER_PAIR): three masters
 * and a replica each, on fixed loopback ports, with GET /status on the control
 * address once the cluster is whole. Stopped with the test run.
 */
import { createServer } from 'node:http'
import { CLUSTER_PAIR, LOG_DIR } from './environment.ts'
import { MISSING_REDIS_SERVER, redisServerBinary } from '../scripts/redis-server.ts'
import { startRedisCluster } from '../scripts/redis-cluster.ts'

try {
  redisServerBinary()
} catch {
  console.error(`\n${MISSING_REDIS_SERVER}\n`)
  process.exit(1)
}

const cluster = await startRedisCluster({ dir: `${LOG_DIR}/redis-cluster`, ports: CLUSTER_PAIR.redisPorts })
const control = createServer((req, res) => {
  res.writeHead(req.url === '/status' ? 200 : 404, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ nodes: cluster.seeds }))
})
const { port, hostname } = new URL(CLUSTER_PAIR.control)
await new Promise<void>((resolve) => control.listen(Number(port), hostname, resolve))
console.log(`Redis Cluster for the tests: ${cluster.seeds.join(',')}`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    control.close()
    void cluster.stop().then(() => process.exit(0))
  })
}
