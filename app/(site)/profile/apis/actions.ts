'use server'

import { apiFetch } from '@/lib/api/fetch'
import { getConfig } from '@/lib/config'

/** What each API answered to the POST: its status and the body it echoed, or why there was no answer. */
export type PostResults = ReadonlyArray<{
  readonly api: string
  readonly status: number | null
  readonly body: unknown
  readonly message?: string
}>

/**
 * The example of apiFetch in a server action: a POST with a JSON body to each
 * configured API, as the user. A server action may set cookies, so tokens it
 * mints go into the session cookie.
 */
export async function postToApis(_previous: PostResults | undefined): Promise<PostResults> {
  const { apis } = getConfig()
  return Promise.all(
    apis.map(async ({ name }) => {
      const result = await apiFetch(name, '/echo', { method: 'POST', body: { from: 'a server action' } })
      return result.ok
        ? { api: name, status: result.status, body: result.body }
        : { api: name, status: null, body: null, message: result.message }
    }),
  )
}
