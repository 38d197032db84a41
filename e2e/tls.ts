/**
 * A private certificate authority for one test run, and a certificate it
 * issues for 127.0.0.1: the local provider serves https with it, and only the
 * app started with NODE_EXTRA_CA_CERTS trusts it. Made with the openssl CLI
 * (Node cannot issue X.509 certificates); never committed.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'

export interface TestCertificates {
  readonly ca: string
  readonly key: string
  readonly cert: string
}

/**
 * Makes them, or reuses those a previous load made within the day: Playwright
 * evaluates its config more than once, and the provider and the apps must all
 * see the same generation.
 */
export function makeTestCertificates(dir: string): TestCertificates {
  mkdirSync(dir, { recursive: true })
  // Absolute: Node reads NODE_EXTRA_CA_CERTS at the first TLS connection, after the standalone server has changed directory.
  const path = (name: string) => resolve(dir, name)
  const made = { ca: path('ca.pem'), key: path('idp.key'), cert: path('idp.pem') }
  if (existsSync(made.cert) && Date.now() - statSync(made.cert).mtimeMs < 24 * 3600_000) return made
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' })
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=E2E private CA',
    '-keyout',
    path('ca.key'),
    '-out',
    path('ca.pem'),
  )
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    path('idp.key'),
    '-out',
    path('idp.csr'),
  )
  writeFileSync(path('idp.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n')
  openssl(
    'x509',
    '-req',
    '-days',
    '2',
    '-in',
    path('idp.csr'),
    '-CA',
    path('ca.pem'),
    '-CAkey',
    path('ca.key'),
    '-CAcreateserial',
    '-extfile',
    path('idp.ext'),
    '-out',
    path('idp.pem'),
  )
  return made
}
