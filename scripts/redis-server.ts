/**
 * A real redis-server for the tests and the benchmark, on loopback, started and
 * stopped by us. Never a mock: the session store's guarantees (one refresh
 * across instances, sessions that survive a restart with their data and end
 * with an empty one) are Redis's to keep, so they are tested against Redis.
 *
 * Persistence as the README recommends for production: an append-only file
 * (a stop, SIGTERM, writes it out, so a restart keeps every session); no
 * eviction, so Redis refuses to grow rather than forget a live session.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import { resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { stopper } from './stop-child.ts'

const HOST = '127.0.0.1'
const START_TIMEOUT_MS = 10_000
const STOP_TIMEOUT_MS = 10_000

export const MISSING_REDIS_SERVER = [
  'redis-server was not found, and the tests need a real one (the session store is tested against Redis, never a mock).',
  'Install it, then run the tests again:',
  '  Debian/Ubuntu: sudo apt-get install redis-server',
  '  macOS:         brew install redis',
  'or set REDIS_SERVER=/path/to/redis-server.',
].join('\n')

/** The redis-server binary: REDIS_SERVER, or on the PATH, or where Debian puts it. Throws with how to install it. */
export function redisServerBinary(): string {
  const candidates = [
    process.env.REDIS_SERVER,
    'redis-server',
    '/usr/bin/redis-server',
    '/usr/sbin/redis-server',
    '/usr/local/bin/redis-server',
    '/opt/homebrew/bin/redis-server',
  ]
  for (const candidate of candidates) {
    if (candidate && spawnSync(candidate, ['--version'], { stdio: 'ignore' }).status === 0) return candidate
  }
  throw new Error(MISSING_REDIS_SERVER)
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, HOST, done))
  const { port } = server.address() as { port: number }
  await new Promise((done) => server.close(done))
  return port
}

/** True once the server answers PING: with PONG, or by asking for its password first. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: HOST, port })
    const finish = (ok: boolean) => {
      socket.destroy()
      done(ok)
    }
    socket.setTimeout(500, () => finish(false))
    socket.once('error', () => finish(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.once('data', (data) => finish(/^(\+PONG|-NOAUTH)/.test(data.toString())))
  })
}

export interface RedisServer {
  readonly url: string
  readonly port: number
  /** Stops it the way an operator would (SIGTERM: Redis writes its data and exits). */
  readonly stop: () => Promise<void>
  /** Stops it the way a crash would: at once, nothing written out. */
  readonly kill: () => void
}

export interface RedisServerOptions {
  readonly port: number
  /** Where its data lives; created if missing. */
  readonly dir: string
  /** Start without the data a previous run left. */
  readonly empty?: boolean
  /** Where its log goes (default: discarded). */
  readonly log?: (chunk: string) => void
  /** More settings, as `--name value` pairs (a cluster node's). */
  readonly extraArgs?: readonly string[]
  /** A password it asks every client for, and gives its master when it is a replica. */
  readonly password?: string
}

export async function startRedisServer(options: RedisServerOptions): Promise<RedisServer> {
  const binary = redisServerBinary()
  const dir = resolve(options.dir)
  if (options.empty) rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const args = [
    '--port',
    String(options.port),
    '--bind',
    HOST,
    '--dir',
    dir,
    '--appendonly',
    'yes',
    // Redis's default: written every second (a stop writes the rest). `always` waits for the disk on
    // every write, and on a busy CI disk that alone can outlast the app's 1-second deadline.
    '--appendfsync',
    'everysec',
    '--save',
    '',
    '--maxmemory-policy',
    'noeviction',
    '--daemonize',
    'no',
    ...(options.password ? ['--requirepass', options.password, '--masterauth', options.password] : []),
    ...(options.extraArgs ?? []),
  ]
  return spawnRedis(binary, args, options.port, options.log)
}

/** Starts redis-server with these arguments and waits until it answers on `port`. */
export async function spawnRedis(
  binary: string,
  args: readonly string[],
  port: number,
  log?: (chunk: string) => void,
): Promise<RedisServer> {
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout?.on('data', (chunk: Buffer) => log?.(chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => log?.(chunk.toString()))

  const deadline = Date.now() + START_TIMEOUT_MS
  while (!(await answersPing(port))) {
    if (child.exitCode !== null)
      throw new Error(`redis-server exited (${child.exitCode}) before answering on port ${port}`)
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`redis-server did not answer on port ${port} within ${START_TIMEOUT_MS} ms`)
    }
    await sleep(50)
  }

  return {
    url: `redis://${HOST}:${port}`,
    port,
    stop: stopper(child, STOP_TIMEOUT_MS),
    kill: () => child.kill('SIGKILL'),
  }
}
