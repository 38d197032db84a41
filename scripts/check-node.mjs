// Runs before every npm script, on whatever Node the user has: plain JavaScript,
// no type stripping (Node before 22.6 stops at `--experimental-strip-types` with
// "bad option", which says nothing about the real problem).
import { pathToFileURL } from 'node:url'

/** The oldest Node this app runs on (package.json "engines"): type stripping without a flag's quirks, and Web Crypto's Ed25519. */
export const REQUIRED = [22, 13, 0]

/** One line saying what is wrong and how to fix it, or undefined when `version` is new enough. */
export function nodeVersionProblem(version) {
  const [major = 0, minor = 0, patch = 0] = String(version).replace(/^v/, '').split('.').map(Number)
  const have = [major, minor, patch]
  for (let i = 0; i < REQUIRED.length; i++) {
    if (have[i] > REQUIRED[i]) return undefined
    if (have[i] < REQUIRED[i]) {
      return `This app needs Node 22.13 or later; you have ${String(version).replace(/^v/, '')}. \`nvm use\` reads .nvmrc (Node 24), or see https://nodejs.org.`
    }
  }
  return undefined
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const problem = nodeVersionProblem(process.versions.node)
  if (problem) {
    console.error(problem)
    process.exit(1)
  }
}
