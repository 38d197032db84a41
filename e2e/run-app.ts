/**
 * Starts one app instance under test (the standalone server on loopback) and keeps a copy
 * of everything it logs in LOG_DIR/<name>.log, so tests can check what it wrote.
 * Usage: node e2e/run-app.ts <name> <port>, configured only through the environment.
 * Each instance gets an embedded session store of its own, new for each run
 * (LOG_DIR/stores/<name>.sqlite), unless SESSION_STORE_PATH names one.
 */
import { spawn } from 'node:child_process'
import { createWriteStream, mkdirSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'
import { LOG_DIR } from './environment.ts'

const [name, port] = process.argv.slice(2)
if (!name || !port) throw new Error('usage: node e2e/run-app.ts <name> <port>')

mkdirSync(`${LOG_DIR}/stores`, { recursive: true })
const log = createWriteStream(`${LOG_DIR}/${name}.log`)
let store = process.env.SESSION_STORE_PATH
if (!store) {
  store = `${LOG_DIR}/stores/${name}.sqlite`
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${store}${suffix}`, { force: true })
}
// Absolute: the standalone server changes into its own directory.
store = resolve(store)
// The standalone server, as `npm start` and the Docker image run it.
const app = spawn(process.execPath, ['.next/standalone/server.js'], {
  stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, HOSTNAME: '127.0.0.1', PORT: port, SESSION_STORE_PATH: store },
})
for (const [from, to] of [
  [app.stdout, process.stdout],
  [app.stderr, process.stderr],
] as const) {
  from.on('data', (chunk: Buffer) => {
    to.write(chunk)
    log.write(chunk)
  })
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => app.kill(signal))
app.once('exit', (code) => log.end(() => process.exit(code ?? 0)))
