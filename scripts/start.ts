/**
 * `npm start`: the production server, as built by `npm run build`
 * (.next/standalone/server.js), with the .env files loaded the way
 * `next start` loads them. PORT (default 3000) and HOSTNAME (default 0.0.0.0)
 * choose where it listens; `npm start -- --port 4000 --hostname 127.0.0.1` too.
 */
import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import nextEnv from '@next/env'

const server = '.next/standalone/server.js'
if (!existsSync(server)) {
  console.error('No production build found: run `npm run build` first.')
  process.exit(1)
}

const { values } = parseArgs({ options: { port: { type: 'string', short: 'p' }, hostname: { type: 'string', short: 'H' } } })
nextEnv.loadEnvConfig(process.cwd(), false)
if (values.port) process.env.PORT = values.port
if (values.hostname) process.env.HOSTNAME = values.hostname

await import(`${process.cwd()}/${server}`)
