/**
 * The production server (.next/standalone) started by a test of its own, for
 * what the shared servers cannot show: a setting only this server has (Vercel,
 * JSON logs, a Redis watched by Sentinel). It is the hostile provider's main
 * client, whose provider is up for the whole run.
 */
import { spawn } from 'node:child_process'
import { HOSTILE_APPS, HOSTILE_SESSION_SECRET } from './environment.ts'

const main = HOSTILE_APPS.main

/** The production server at `port` for the main tenant's client (its secrets, no Redis), with `env` on top; its output kept, stopped with `stop`. */
export function startServer(
  port: number,
  env: Record<string, string>,
): { output: () => string; exited: Promise<number | null>; stop: () => Promise<void> } {
  const app = spawn(process.execPath, ['.next/standalone/server.js'], {
    env: {
      ...process.env,
      HOSTNAME: '127.0.0.1',
      PORT: String(port),
      APP_BASE_URL: `http://localhost:${port}`,
      OIDC_ISSUER: main.issuer,
      OIDC_CLIENT_ID: main.clientId,
      OIDC_CLIENT_SECRET: main.clientSecret,
      SESSION_SECRET: HOSTILE_SESSION_SECRET,
      REDIS_URL: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  app.stdout.on('data', (chunk: Buffer) => (output += String(chunk)))
  app.stderr.on('data', (chunk: Buffer) => (output += String(chunk)))
  const exited = new Promise<number | null>((resolve) => app.once('exit', resolve))
  return {
    output: () => output,
    /** The exit code, once it has exited (a configuration it refuses ends it with 1). */
    exited,
    stop: async () => {
      app.kill('SIGTERM')
      await exited
    },
  }
}
