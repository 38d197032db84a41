/**
 * Where the test servers listen, and the secrets they use. Ports differ from
 * `npm run dev`'s, so both can run at once. Every secret here exists only for
 * the test run; e2e/build.ts builds the app with all of them in its environment
 * so the bundle test can prove none reaches the browser.
 */
export const APP_PORT = 3100
export const IDP_PORT = 4500
export const APP_BASE_URL = `http://localhost:${APP_PORT}`
export const IDP_ISSUER = `http://127.0.0.1:${IDP_PORT}`
export const TEST_SESSION_SECRET = 'e2e-session-secret-0123456789-abcdefghij'

/** The misbehaving provider (e2e/hostile) and the seven app instances that trust it, one per tenant. */
export const HOSTILE_PORT = 4510
export const HOSTILE_FLAKY_PORT = 4511
export const HOSTILE_CONTROL = `http://127.0.0.1:${HOSTILE_PORT}/control`
export const HOSTILE_SESSION_SECRET = 'hostile-session-secret-9876543210-zyxwvut'
/** A secret the apps once used: cookies sealed with it must still open after a rotation. */
export const HOSTILE_OLD_SESSION_SECRET = 'hostile-old-session-secret-0000000000-aaaa'

export const HOSTILE_APPS = {
  main: {
    port: 3101,
    baseUrl: 'http://localhost:3101',
    issuer: `http://127.0.0.1:${HOSTILE_PORT}/main`,
    clientId: 'hostile-main-client',
    clientSecret: 'hostile-main-client-secret-e2e-only-1a2b3c',
  },
  mismatch: {
    port: 3102,
    baseUrl: 'http://localhost:3102',
    issuer: `http://127.0.0.1:${HOSTILE_PORT}/mismatch`,
    clientId: 'hostile-mismatch-client',
    clientSecret: 'hostile-mismatch-client-secret-e2e-only-4d5e6f',
  },
  flaky: {
    port: 3103,
    baseUrl: 'http://localhost:3103',
    issuer: `http://127.0.0.1:${HOSTILE_FLAKY_PORT}`,
    clientId: 'hostile-flaky-client',
    clientSecret: 'hostile-flaky-client-secret-e2e-only-7g8h9i',
  },
  /** Shaped like Oracle IDCS: discovery and tokens name https://identity.oraclecloud.com/; the app sets OIDC_TOKEN_ISSUER. */
  oracle: {
    port: 3106,
    baseUrl: 'http://localhost:3106',
    issuer: `http://127.0.0.1:${HOSTILE_PORT}/oracle`,
    clientId: 'hostile-oracle-client',
    clientSecret: 'hostile-oracle-client-secret-e2e-only-j1k2l3',
  },
  /** Shaped like Google: no end_session_endpoint, so sign-out is local only. */
  google: {
    port: 3107,
    baseUrl: 'http://localhost:3107',
    issuer: `http://127.0.0.1:${HOSTILE_PORT}/google`,
    clientId: 'hostile-google-client',
    clientSecret: 'hostile-google-client-secret-e2e-only-m4n5o6',
  },
  /** Shaped like Amazon Cognito: logout at its own /logout with client_id and logout_uri (OIDC_END_SESSION_ENDPOINT). */
  cognito: {
    port: 3108,
    baseUrl: 'http://localhost:3108',
    issuer: `http://127.0.0.1:${HOSTILE_PORT}/cognito`,
    clientId: 'hostile-cognito-client',
    clientSecret: 'hostile-cognito-client-secret-e2e-only-p7q8r9',
  },
  /** Shaped like Entra ID's multi-tenant endpoint: discovery names `{tenantid}`; tokens carry `tid`. */
  entra: {
    port: 3126,
    baseUrl: 'http://localhost:3126',
    issuer: `http://127.0.0.1:${HOSTILE_PORT}/entra/common/v2.0`,
    clientId: 'hostile-entra-client',
    clientSecret: 'hostile-entra-client-secret-e2e-only-s1t2u3',
  },
  /** An app the test starts, stops and starts again itself (e2e/restart.spec.ts): what the embedded store keeps across a restart. */
  restart: {
    port: 3128,
    baseUrl: 'http://localhost:3128',
    issuer: `http://127.0.0.1:${HOSTILE_PORT}/restart`,
    clientId: 'hostile-restart-client',
    clientSecret: 'hostile-restart-client-secret-e2e-only-v4w5x6',
  },
  /** The `evil` provider of the several-providers app (MULTI): honest unless told a mix-up defect. */
  multi: {
    port: 3140,
    baseUrl: 'http://localhost:3140',
    issuer: `http://127.0.0.1:${HOSTILE_PORT}/multi`,
    clientId: 'hostile-multi-client',
    clientSecret: 'hostile-multi-client-secret-e2e-only-y7z8a9',
    providerId: 'evil',
  },
  /** Discovery lists DPoP, yet its tokens are Bearer tokens: the app runs with OIDC_DPOP=true and must refuse them. */
  downgrade: {
    port: 3152,
    baseUrl: 'http://localhost:3152',
    issuer: `http://127.0.0.1:${HOSTILE_PORT}/downgrade`,
    clientId: 'hostile-downgrade-client',
    clientSecret: 'hostile-downgrade-client-secret-e2e-only-b1c2d3',
  },
} as const

export type HostileTenant = keyof typeof HOSTILE_APPS

/**
 * An app with several providers (OIDC_PROVIDERS=default,partner,evil,down):
 * two local providers with the same demo users (so the same `sub` at both, on
 * purpose), the hostile provider's `multi` tenant as `evil`, and `down`, whose
 * issuer nothing answers at.
 */
export const MULTI = {
  port: 3140,
  baseUrl: 'http://localhost:3140',
  defaultIdpPort: 4505,
  defaultIssuer: 'http://127.0.0.1:4505',
  partnerIdpPort: 4506,
  partnerIssuer: 'http://127.0.0.1:4506',
  downIssuer: 'http://127.0.0.1:4599',
  /** Short-lived access tokens at the partner, so its refresh falls due within a test. */
  partnerAccessTokenTtl: 8,
} as const

/** Where each app instance writes its log, so tests can read what it logged. */
export const LOG_DIR = '.e2e-logs'

/**
 * Two more pairs of the local provider and an app, for the token life:
 * `short` issues access tokens that live 8 seconds, so refreshing happens within a test;
 * `big` issues Oracle IDCS-sized tokens (JWT access and ID tokens with ~3 KB of groups each).
 */
export const TOKEN_PAIRS = {
  short: { appPort: 3104, idpPort: 4501, accessTokenTtl: 8 },
  big: { appPort: 3105, idpPort: 4502, accessTokenTtl: 300 },
} as const

export type TokenPair = keyof typeof TOKEN_PAIRS

export function pairUrls(pair: TokenPair) {
  const { appPort, idpPort } = TOKEN_PAIRS[pair]
  return {
    app: `http://localhost:${appPort}`,
    issuer: `http://127.0.0.1:${idpPort}`,
    api: `http://127.0.0.1:${idpPort}/demo-api/whoami`,
  }
}

/**
 * Apps that authenticate and send their requests in other ways, against the
 * `short` pair's provider, which registers a client for each:
 * private_key_jwt (key as PKCS#8 PEM), PAR (with a secret), and JAR + private_key_jwt (key as a JWK).
 */
export const CLIENT_STYLES = {
  pkjwt: { port: 3120, clientId: 'e2e-private-key-jwt' },
  par: { port: 3121, clientId: 'e2e-par', clientSecret: 'e2e-par-client-secret-0123456789abcdef' },
  jar: { port: 3122, clientId: 'e2e-jar' },
} as const

export type ClientStyle = keyof typeof CLIENT_STYLES

/** The local provider on https with a private CA, and two apps: one trusts the CA (NODE_EXTRA_CA_CERTS), one does not. */
export const PRIVATE_CA = {
  idpPort: 4503,
  issuer: 'https://127.0.0.1:4503',
  trustingPort: 3124,
  untrustingPort: 3125,
  dir: '.e2e-logs/tls',
} as const

/**
 * A real redis-server for the session store (e2e/redis-control.ts starts it,
 * and stops and restarts it when a test asks), and two instances of one app
 * sharing it and the secret behind one public origin, as behind a load
 * balancer: instance B answers on its own port, but every URL it builds starts
 * at APP_BASE_URL, instance A's. They trust a local provider of their own, with
 * 8-second access tokens so a refresh falls due within a test.
 */
export const REDIS_PORT = 6390
export const REDIS_URL = `redis://127.0.0.1:${REDIS_PORT}`
export const REDIS_CONTROL = 'http://127.0.0.1:4530'
export const SHARED = {
  idpPort: 4504,
  issuer: 'http://127.0.0.1:4504',
  api: 'http://127.0.0.1:4504/demo-api/whoami',
  baseUrl: 'http://localhost:3130',
  instances: { a: { port: 3130, url: 'http://localhost:3130' }, b: { port: 3131, url: 'http://localhost:3131' } },
  accessTokenTtl: 8,
  /**
   * One more app at the same provider, on the in-process store: the
   * single-instance tests run against both stores, with users no other suite signs out.
   */
  inProcess: {
    port: 3132,
    url: 'http://localhost:3132',
    clientId: 'e2e-in-process',
    clientSecret: 'e2e-in-process-client-secret-0123456789',
  },
} as const

/**
 * A Redis Cluster (three masters, a replica each, e2e/redis-cluster-main.ts), a
 * provider of its own with 8-second access tokens, and two instances of one app
 * sharing the cluster (REDIS_CLUSTER_NODES), as SHARED shares one Redis: the
 * two-instance tests run against both.
 */
export const CLUSTER_PAIR = {
  redisPorts: [6400, 6401, 6402, 6403, 6404, 6405],
  control: 'http://127.0.0.1:4531',
  idpPort: 4508,
  issuer: 'http://127.0.0.1:4508',
  baseUrl: 'http://localhost:3160',
  instances: { a: { port: 3160, url: 'http://localhost:3160' }, b: { port: 3161, url: 'http://localhost:3161' } },
  accessTokenTtl: 8,
} as const

/**
 * Apps that call several APIs (APIS), at a local provider with resource
 * servers (JWT access tokens), token exchange and DPoP nonces required, and two
 * demo APIs (idp/demo-resource-server.ts) that check tokens and proofs and
 * record what they saw:
 * - `dpop` (OIDC_DPOP=true, the provider's own client): orders (minted with
 *   the refresh token; its API rotates DPoP nonces every `nonceWindowMs`) and
 *   reports (token exchange);
 * - `bearer` (another client there): orders and reports with Bearer tokens,
 *   whoami (the sign-in's own token, at the provider's demo API), misaimed (a
 *   resource the provider mints for reports' audience instead, as Auth0 falls
 *   back to its default one), and `manyApis` more (many1…) for the cookie's limit.
 */
export const APIS_ENV = {
  idpPort: 4507,
  issuer: 'http://127.0.0.1:4507',
  orders: { port: 4610, url: 'http://127.0.0.1:4610' },
  reports: { port: 4611, url: 'http://127.0.0.1:4611' },
  dpop: { port: 3150, url: 'http://localhost:3150' },
  bearer: {
    port: 3151,
    url: 'http://localhost:3151',
    clientId: 'e2e-apis-bearer',
    clientSecret: 'e2e-apis-bearer-client-secret-0123456789ab',
  },
  manyApis: 24,
  nonceWindowMs: 300,
  accessTokenTtl: 60,
} as const

/** The two demo APIs of the Redis pair (SHARED): one instance mints orders while the other mints reports. */
export const SHARED_APIS = {
  orders: { port: 4620, url: 'http://127.0.0.1:4620' },
  reports: { port: 4621, url: 'http://127.0.0.1:4621' },
} as const
