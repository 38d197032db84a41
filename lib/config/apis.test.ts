/**
 * APIS and API_<NAME>_*: what a deployment writes, and what the app makes of it
 * (or refuses to start with, every problem named).
 */
import { describe, expect, it } from 'vitest'
import { parseApis } from './apis'

function parse(env: Record<string, string>, providers: string[] = ['default']) {
  const problems: string[] = []
  const apis = parseApis(env, providers, problems)
  return { apis, problems }
}

describe('APIS', () => {
  it('unset: no APIs, no problems', () => {
    expect(parse({})).toEqual({ apis: [], problems: [] })
  })

  it('defaults: the resource is the URL origin, sent as `resource`, minted with the refresh token, DPoP where the provider binds', () => {
    const { apis, problems } = parse({ APIS: 'orders', API_ORDERS_URL: 'https://api.example.com/orders/v1' })
    expect(problems).toEqual([])
    expect(apis[0]).toMatchObject({
      name: 'orders',
      resource: 'https://api.example.com',
      resourceSet: false,
      audienceParam: 'resource',
      token: 'refresh',
      provider: undefined,
      dpop: true,
      scope: undefined,
    })
    expect(apis[0]!.url.href).toBe('https://api.example.com/orders/v1')
  })

  it('every setting, as Auth0 and Entra spell them', () => {
    const { apis, problems } = parse(
      {
        APIS: 'reports,graph',
        API_REPORTS_URL: 'https://reports.example.com',
        API_REPORTS_RESOURCE: 'urn:reports',
        API_REPORTS_AUDIENCE_PARAM: 'audience',
        API_REPORTS_TOKEN: 'exchange',
        API_REPORTS_PROVIDER: 'partner',
        API_REPORTS_DPOP: 'false',
        API_GRAPH_URL: 'https://graph.microsoft.com/v1.0',
        API_GRAPH_AUDIENCE_PARAM: 'none',
        API_GRAPH_SCOPE: 'https://graph.microsoft.com/User.Read',
      },
      ['default', 'partner'],
    )
    expect(problems).toEqual([])
    expect(apis.map((a) => [a.name, a.resource, a.audienceParam, a.token, a.provider, a.dpop])).toEqual([
      ['reports', 'urn:reports', 'audience', 'exchange', 'partner', false],
      ['graph', 'https://graph.microsoft.com', 'none', 'refresh', undefined, true],
    ])
  })

  it('refuses what cannot work, naming each variable', () => {
    const { problems } = parse({
      APIS: 'orders,Bad-Name,orders,plain,nourl,login',
      API_ORDERS_URL: 'https://api.example.com/orders?x=1',
      API_PLAIN_URL: 'http://api.example.com',
      API_LOGIN_URL: 'https://api.example.com',
      API_LOGIN_TOKEN: 'login',
      API_LOGIN_SCOPE: 'orders:read',
      API_LOGIN_PROVIDER: 'nobody',
      API_LOGIN_AUDIENCE_PARAM: 'aud',
      API_LOGIN_DPOP: 'yes',
    })
    const text = problems.join('\n')
    expect(text).toContain('API_ORDERS_URL must be an http(s) URL without query')
    expect(text).toContain('"Bad-Name", which is not an API name')
    expect(text).toContain('APIS lists "orders" twice')
    expect(text).toContain('API_PLAIN_URL is plain http to api.example.com')
    expect(text).toContain('API_NOURL_URL is not set')
    expect(text).toContain("API_LOGIN_TOKEN=login sends the sign-in's own access token")
    expect(text).toContain('API_LOGIN_PROVIDER names "nobody"')
    expect(text).toContain('API_LOGIN_AUDIENCE_PARAM must be one of')
    expect(text).toContain('API_LOGIN_DPOP must be "true" or "false"')
  })

  it('plain http is fine on loopback (the demo APIs)', () => {
    expect(parse({ APIS: 'orders', API_ORDERS_URL: 'http://127.0.0.1:4410/v1' }).problems).toEqual([])
  })

  it('RFC 8707 wants an absolute URI as the resource; Auth0-style identifiers go with AUDIENCE_PARAM=audience', () => {
    expect(
      parse({
        APIS: 'orders',
        API_ORDERS_URL: 'https://api.example.com',
        API_ORDERS_RESOURCE: 'orders-api',
      }).problems.join(),
    ).toContain('API_ORDERS_RESOURCE must be an absolute URL')
  })
})
