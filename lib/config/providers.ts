/**
 * The providers this app signs people in with: OIDC_PROVIDERS (unset: the one
 * `default` provider of the unprefixed variables), each provider's settings
 * (./oidc.ts), and what the sign-in page needs: a button's name, the e-mail
 * domains that lead to it (home-realm discovery), fixed extra parameters.
 */
import { read, type Env } from './env'
import { parseOidcConfig, type OidcConfig } from './oidc'
import { DEFAULT_PROVIDER, providerIdProblem, providerVariable, type ProviderId } from './provider-ids'

export interface ProvidersConfig {
  /** In button order (OIDC_PROVIDERS), never empty. */
  readonly list: readonly [OidcConfig, ...OidcConfig[]]
  /** OIDC_PROVIDERS is set: answers that name providers (/api/health's `providers`) are given; unset, they stay as they were. */
  readonly listed: boolean
}

/** Parameters the protocol sets itself: a fixed value for one of these would break or weaken the login. */
const PROTOCOL_PARAMETERS = new Set([
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'request',
  'request_uri',
  'response_mode',
  'dpop_jkt',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
])
const CONTROL = /[\u0000-\u001f\u007f]/
const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/

/**
 * A domain as e-mail addresses and OIDC_<ID>_DOMAINS are compared: lower-case,
 * no trailing dot, internationalized names in their ASCII (IDNA) form, so
 * `Bücher.example` and `xn--bcher-kva.example` are one domain. Undefined for
 * anything that is not a host name.
 */
export function normalizeDomain(raw: string): string | undefined {
  const text = raw.trim().toLowerCase().replace(/\.$/, '')
  if (!text || /[\s/@:?#\\%[\]]/.test(text)) return undefined
  let host: string
  try {
    host = new URL(`http://${text}`).hostname
  } catch {
    return undefined
  }
  return HOSTNAME.test(host) ? host : undefined
}

/** The domain of an e-mail address (after its last `@`), normalized; undefined for anything else. */
export function emailDomain(address: string): string | undefined {
  const at = address.lastIndexOf('@')
  return at > 0 ? normalizeDomain(address.slice(at + 1)) : undefined
}

/**
 * The provider whose OIDC_<ID>_DOMAINS lists this address's domain exactly:
 * `sub.example.com` is not `example.com`, and nothing is matched by suffix.
 */
export function providerForEmail(providers: ProvidersConfig, address: string): OidcConfig | undefined {
  const domain = emailDomain(address)
  return domain === undefined ? undefined : providers.list.find((p) => p.domains.includes(domain))
}

export function providerById(providers: ProvidersConfig, id: string): OidcConfig | undefined {
  return providers.list.find((p) => p.id === id)
}

/** True when the sign-in page offers a choice: OIDC_PROVIDERS lists more than one. */
export function offersChoice(providers: ProvidersConfig): boolean {
  return providers.list.length > 1
}

function parseDomains(env: Env, id: ProviderId, problems: string[]): string[] {
  const name = providerVariable(id, 'DOMAINS')
  const domains: string[] = []
  for (const raw of (read(env, name) ?? '').split(',').filter((d) => d.trim())) {
    const domain = normalizeDomain(raw)
    if (domain === undefined)
      problems.push(
        `${name} lists "${raw.trim()}", which is not a domain: give bare domains, comma-separated, e.g. contoso.com,contoso.co.uk.`,
      )
    else if (!domains.includes(domain)) domains.push(domain)
  }
  return domains
}

/** OIDC_<ID>_AUTH_PARAMS: a query string of fixed extra parameters, e.g. `domain_hint=contoso.com&kc_idp_hint=saml`. */
function parseAuthParams(env: Env, id: ProviderId, problems: string[]): [string, string][] {
  const name = providerVariable(id, 'AUTH_PARAMS')
  const raw = read(env, name)
  if (!raw) return []
  const params: [string, string][] = []
  for (const [key, value] of new URLSearchParams(raw)) {
    if (!/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(key) || value.length > 512 || CONTROL.test(value)) {
      problems.push(
        `${name} has a malformed parameter "${key}": write it as a query string, e.g. domain_hint=contoso.com&prompt=select_account.`,
      )
    } else if (PROTOCOL_PARAMETERS.has(key)) {
      problems.push(
        `${name} sets "${key}", which the login sets itself; remove it (the scope has its own variable, ${providerVariable(id, 'SCOPE')}).`,
      )
    } else {
      params.push([key, value])
    }
  }
  return params
}

function parseName(env: Env, id: ProviderId, problems: string[]): string | undefined {
  const name = providerVariable(id, 'NAME')
  const raw = read(env, name)
  if (raw !== undefined && (raw.length > 60 || CONTROL.test(raw))) {
    problems.push(`${name} is the sign-in button's label: at most 60 characters on one line.`)
    return undefined
  }
  if (raw !== undefined) return raw
  // Unnamed: the issuer's host, which its users recognise from the provider's own pages.
  const issuer = read(env, providerVariable(id, 'ISSUER'))
  try {
    return issuer ? new URL(issuer).host : id
  } catch {
    return id
  }
}

/** The ids listed, each checked; problems for malformed, reserved and repeated ones. */
function parseIds(env: Env, problems: string[]): ProviderId[] {
  const raw = read(env, 'OIDC_PROVIDERS')
  if (raw === undefined) return [DEFAULT_PROVIDER]
  const ids: ProviderId[] = []
  for (const id of raw.split(',').map((part) => part.trim())) {
    if (id === '') continue
    const problem = providerIdProblem(id)
    if (problem) problems.push(problem)
    else if (ids.includes(id)) problems.push(`OIDC_PROVIDERS lists "${id}" twice; list each provider once.`)
    else ids.push(id)
  }
  if (ids.length === 0 && !problems.some((p) => p.startsWith('OIDC_PROVIDERS'))) {
    problems.push(
      'OIDC_PROVIDERS is set but lists no provider: list ids in button order, e.g. OIDC_PROVIDERS=default,partner, or leave it unset.',
    )
  }
  // The unprefixed variables configure `default`: set while it is not listed, they would be ignored without a word.
  if (ids.length > 0 && !ids.includes(DEFAULT_PROVIDER) && read(env, 'OIDC_ISSUER')) {
    problems.push(
      'OIDC_ISSUER is set, but OIDC_PROVIDERS does not list "default", the provider it configures: add default to OIDC_PROVIDERS, or unset OIDC_ISSUER.',
    )
  }
  return ids
}

/** Every provider's settings; problems are added to `problems`. */
export function parseProviders(env: Env, appBaseUrl: URL | undefined, problems: string[]): ProvidersConfig | undefined {
  const configs: OidcConfig[] = []
  const claimed = new Map<string, ProviderId>()
  let complete = true
  for (const id of parseIds(env, problems)) {
    const domains = parseDomains(env, id, problems)
    for (const domain of domains) {
      const other = claimed.get(domain)
      if (other !== undefined) {
        problems.push(
          `The e-mail domain ${domain} is in both ${providerVariable(other, 'DOMAINS')} and ${providerVariable(id, 'DOMAINS')}: ` +
            'a domain must lead to one provider. Remove it from one of them.',
        )
      } else claimed.set(domain, id)
    }
    const name = parseName(env, id, problems)
    const authParams = parseAuthParams(env, id, problems)
    const config = parseOidcConfig(
      env,
      id,
      appBaseUrl,
      name === undefined ? undefined : { name, domains, authParams },
      problems,
    )
    if (config) configs.push(config)
    else complete = false
  }
  const [first, ...rest] = configs
  return complete && first ? { list: [first, ...rest], listed: read(env, 'OIDC_PROVIDERS') !== undefined } : undefined
}
