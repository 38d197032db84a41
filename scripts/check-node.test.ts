import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { nodeVersionProblem } from './check-node.mjs'

describe('the Node version check every npm script runs first', () => {
  it.each(['20.20.2', 'v18.19.0', '22.12.0', '22.6.0'])(
    'refuses Node %s in one line that says what to do',
    (version) => {
      const problem = nodeVersionProblem(version)
      expect(problem).toBe(
        `This app needs Node 22.13 or later; you have ${version.replace(/^v/, '')}. \`nvm use\` reads .nvmrc (Node 24), or see https://nodejs.org.`,
      )
    },
  )

  it.each(['22.13.0', '22.20.1', '23.0.0', '24.21.0', 'v25.1.0'])('accepts Node %s', (version) => {
    expect(nodeVersionProblem(version)).toBeUndefined()
  })

  // Debian's own Node on this kind of machine is older: run the real script with it, as `npm run dev` would.
  const debianNode = '/usr/bin/node'
  const old = existsSync(debianNode)
    ? spawnSync(debianNode, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim()
    : ''
  it.runIf(old !== '' && nodeVersionProblem(old) !== undefined)(
    `with an older Node (${old || 'none here'}) the script stops with that line, not "bad option"`,
    () => {
      const run = spawnSync(debianNode, ['scripts/check-node.mjs'], { encoding: 'utf8' })
      expect(run.status).toBe(1)
      expect(run.stderr.trim()).toBe(nodeVersionProblem(old))
    },
  )
})
