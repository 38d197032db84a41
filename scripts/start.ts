/**
 * `npm start`: the production server, as built by `npm run build`
 * (.next/standalone/server.js), with the .env files loaded the way
 * `next start` loads them. PORT (default 3000) and HOSTNAME (default 0.0.0.0)
 * choose where it listens; `npm start -- --port 4000 --hostname 127.0.0.1` too.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import nextEnv from '@next/env'

const server = '.next/standalone/server.js'
if (!existsSync(server)) {
  console.error('No production build found: run `npm run build` first.')
  process.exit(1)
}

const { values } = parseArgs({
  options: { port: { type: 'string', short: 'p' }, hostname: { type: 'string', short: 'H' } },
})
nextEnv.loadEnvConfig(process.cwd(), false)
if (values.port) process.env.PORT = values.port
if (values.hostname) process.env.HOSTNAME = values.hostname
// The standalone server changes into its own directory, which the next build replaces: the embedded
// session store's file (SESSION_STORE_PATH, default .data/sessions.sqlite as in lib/config/store.ts) is
// taken from here, the project's directory, so what ended outlives builds and restarts.
const storePath = process.env.SESSION_STORE_PATH?.trim()
if (storePath !== ':memory:') process.env.SESSION_STORE_PATH = resolve(storePath || '.data/sessions.sqlite')

await import(`${process.cwd()}/${server}`)
