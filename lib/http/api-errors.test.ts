import { describe, expect, it } from 'vitest'
import {
  backchannelRefusal,
  backchannelUnavailable,
  notFoundJson,
  sessionsUnavailableJson,
  unauthorizedJson,
} from './api-errors'

/** What a client of the JSON APIs sees: the status, the body, and whether anyone may keep it. */
async function seen(response: Response) {
  return {
    status: response.status,
    body: (await response.json()) as { error: string; error_description: string },
    cacheControl: response.headers.get('cache-control'),
    retryAfter: response.headers.get('retry-after'),
  }
}

describe('the JSON APIs’ refusals', () => {
  it('keep their status and OAuth-style error codes, and are never cached', async () => {
    const answers = await Promise.all(
      [
        unauthorizedJson(),
        sessionsUnavailableJson(),
        backchannelRefusal('not a JWT'),
        backchannelUnavailable('later'),
        notFoundJson(),
      ].map(seen),
    )
    expect(answers.map((a) => [a.status, a.body.error])).toEqual([
      [401, 'unauthorized'],
      [503, 'temporarily_unavailable'],
      [400, 'invalid_request'],
      [503, 'temporarily_unavailable'],
      [404, 'not_found'],
    ])
    for (const answer of answers) {
      expect(answer.cacheControl).toBe('no-store')
      expect(answer.body.error_description).toBeTruthy()
    }
    expect(answers[2]!.body.error_description).toBe('not a JWT')
  })

  it('tell a client when to try again where the outage is passing', async () => {
    const [store, backchannel] = await Promise.all([
      seen(sessionsUnavailableJson()),
      seen(backchannelUnavailable('later')),
    ])
    expect([store.retryAfter, backchannel.retryAfter]).toEqual(['5', '5'])
  })
})
