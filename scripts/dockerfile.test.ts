/**
 * The Dockerfile's promises, checked without a container engine where there is
 * none (CI here has none): its HEALTHCHECK command is run for real, as the
 * engine would run it, against a real server on the port the container is
 * told to use; the runtime stage leaves the app's files to root and gives the
 * `node` user one place to write. Where docker or podman is installed, the
 * image is built and run too (HEALTHCHECK reported healthy on PORT=8080).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'

const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8')
const runStage = dockerfile.slice(dockerfile.indexOf('AS run'))

/** The HEALTHCHECK's exec form: ["node", "-e", "<script>"]. */
function healthcheck(): string[] {
  const match = /HEALTHCHECK[^\n]*\\\n\s*CMD (\[.*\])/.exec(dockerfile)
  if (!match) throw new Error('no HEALTHCHECK … CMD [exec form] in the Dockerfile')
  return JSON.parse(match[1]!) as string[]
}

/** Runs the HEALTHCHECK command with `env`, as the engine does inside the container: its exit code. */
function probe(env: Record<string, string>): Promise<number | null> {
  const [command, ...args] = healthcheck()
  expect(command).toBe('node')
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: 'ignore' })
  return new Promise((resolve) => child.once('exit', resolve))
}

let server: Server | undefined
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())))

/** The app as the probe sees it: alive (liveness 200), while its readiness says the provider is down (503). */
async function appOnFreePort(live: number): Promise<string> {
  server = createServer((req, res) => {
    res.statusCode = req.url === '/api/health/live' ? live : req.url === '/api/health' ? 503 : 404
    res.end()
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  return String((server.address() as AddressInfo).port)
}

describe('the Dockerfile', () => {
  it('HEALTHCHECK asks liveness on the PORT the container runs on: healthy during a provider outage, unhealthy when the process does not serve', async () => {
    const port = await appOnFreePort(200)
    expect(await probe({ PORT: port }), `PORT=${port}, /api/health answering 503`).toBe(0)
    server!.close()
    server = undefined
    expect(await probe({ PORT: port }), 'nothing listening').toBe(1)
    const failing = await appOnFreePort(500)
    expect(await probe({ PORT: failing })).toBe(1)
  })

  it('leaves the app files to root (read-only to the runtime user) and gives it one place to write, the session store', () => {
    const copies = runStage.split('\n').filter((line) => line.startsWith('COPY'))
    expect(copies.length).toBeGreaterThan(0)
    for (const copy of copies) expect(copy).not.toMatch(/--chown/)
    expect(runStage).toMatch(/^USER node$/m)
    expect(runStage).toMatch(/SESSION_STORE_PATH=\/app\/\.data\/sessions\.sqlite/)
    expect(runStage).toMatch(/chown node:node \/app\/\.data/)
  })
})

/** docker or podman, when one is installed and its engine answers. */
function engine(): string | undefined {
  for (const candidate of ['docker', 'podman']) {
    if (spawnSync(candidate, ['info'], { stdio: 'ignore', timeout: 10_000 }).status === 0) return candidate
  }
  return undefined
}

const found = engine()
if (!found)
  console.log(
    '[dockerfile.test] no container engine answers here (docker info, podman info): the image is not built or run in this run',
  )

describe.skipIf(!found)('the image, built and run', () => {
  it(
    'reports healthy on PORT=8080, serves files it cannot change, and ships no image optimizer',
    { timeout: 900_000 },
    async () => {
      const cli = found!
      const tag = `nextjs-oidc-login-test:${process.pid}`
      const root = new URL('..', import.meta.url).pathname
      execFileSync(cli, ['build', ...(cli === 'podman' ? ['--format', 'docker'] : []), '-t', tag, root], {
        stdio: 'inherit',
      })
      const name = `oidc-test-${process.pid}`
      const env = [
        'APP_BASE_URL=http://localhost:8080',
        `SESSION_SECRET=${'c'.repeat(40)}`,
        'OIDC_ISSUER=http://127.0.0.1:9/',
        'OIDC_CLIENT_ID=test',
        'PORT=8080',
      ]
      execFileSync(cli, ['run', '-d', '--name', name, ...env.flatMap((e) => ['-e', e]), tag])
      try {
        let status = ''
        for (let i = 0; i < 60 && status !== 'healthy'; i++) {
          await new Promise((resolve) => setTimeout(resolve, 2_000))
          status = execFileSync(cli, ['inspect', '--format', '{{.State.Health.Status}}', name], {
            encoding: 'utf8',
          }).trim()
        }
        expect(status).toBe('healthy')
        const exec = (script: string) => spawnSync(cli, ['exec', name, 'sh', '-c', script], { encoding: 'utf8' })
        expect(exec('touch /app/server.js').status, 'app files are read-only to the runtime user').not.toBe(0)
        expect(exec('touch /app/.data/probe').status, 'the data directory is writable').toBe(0)
        expect(exec('ls /app/node_modules/sharp /app/node_modules/@img').status, 'no sharp/libvips').not.toBe(0)
      } finally {
        spawnSync(cli, ['rm', '-f', name])
        spawnSync(cli, ['rmi', '-f', tag])
      }
    },
  )
})
