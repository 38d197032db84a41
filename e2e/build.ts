/**
 * `next build` for the test run, with every secret the tests use in its
 * environment, as a developer's .env.local would put them there. The bundle
 * test then proves none of them reached the browser's JavaScript.
 */
import { execFileSync } from 'node:child_process'
import { LOCAL_CLIENT_SECRET } from '../idp/local-client.ts'
import {
  APIS_ENV,
  HOSTILE_APPS,
  HOSTILE_OLD_SESSION_SECRET,
  HOSTILE_SESSION_SECRET,
  SHARED,
  TEST_SESSION_SECRET,
} from './environment.ts'

const env = {
  ...process.env,
  SESSION_SECRET: `${HOSTILE_SESSION_SECRET},${HOSTILE_OLD_SESSION_SECRET},${TEST_SESSION_SECRET}`,
  OIDC_CLIENT_SECRET: [
    LOCAL_CLIENT_SECRET,
    SHARED.inProcess.clientSecret,
    APIS_ENV.bearer.clientSecret,
    ...Object.values(HOSTILE_APPS).map((app) => app.clientSecret),
  ].join(','),
}
// The same as `npm run build`: next build, then the standalone server completed.
execFileSync(process.execPath, ['node_modules/next/dist/bin/next', 'build'], { stdio: 'inherit', env })
execFileSync(process.execPath, ['--experimental-strip-types', 'scripts/prepare-standalone.ts'], {
  stdio: 'inherit',
  env,
})
