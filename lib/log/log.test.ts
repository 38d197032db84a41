import { afterEach, describe, expect, it, vi } from 'vitest'
import { jsonLine, jsonLogs, log } from './log'

afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
})

describe('log lines', () => {
  it('read as `[area] message` by default, at their level', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const info = vi.spyOn(console, 'log').mockImplementation(() => {})
    log.warn('auth.login_failed', 'login failed: invalid_request: try again', { provider: 'default' })
    log.info('store.ready', 'sessions are tracked in this process only')
    expect(warn).toHaveBeenCalledWith('[auth] login failed: invalid_request: try again')
    expect(info).toHaveBeenCalledWith('[store] sessions are tracked in this process only')
  })

  it('are one JSON object each with LOG_FORMAT=json: time, level, event, message, then the fields', async () => {
    vi.stubEnv('LOG_FORMAT', 'json')
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    log.error('auth.login_failed', 'login failed: "quoted"\nnext line', {
      provider: 'partner',
      kind: 'provider_unreachable',
      skipped: undefined,
    })
    await vi.waitFor(() => expect(error).toHaveBeenCalledTimes(1))
    const line = String(error.mock.calls[0]![0])
    expect(line).not.toContain('\n')
    const record = JSON.parse(line) as Record<string, unknown>
    expect(Object.keys(record)).toEqual(['time', 'level', 'event', 'message', 'provider', 'kind'])
    expect(record).toMatchObject({
      level: 'error',
      event: 'auth.login_failed',
      message: 'login failed: "quoted"\nnext line',
      provider: 'partner',
    })
    expect(new Date(String(record.time)).toString()).not.toBe('Invalid Date')
  })

  it('never let a field replace the record’s own keys, and carry the request id where there is one', () => {
    const line = jsonLine(
      'warn',
      'auth.x',
      'real',
      { message: 'forged', level: 'info', provider: 'default' },
      'req-1',
      new Date(0),
    )
    expect(JSON.parse(line)).toEqual({
      time: '1970-01-01T00:00:00.000Z',
      level: 'warn',
      event: 'auth.x',
      message: 'real',
      provider: 'default',
      request_id: 'req-1',
    })
  })

  it('switch to JSON only for LOG_FORMAT=json', () => {
    expect(jsonLogs({ LOG_FORMAT: 'json' })).toBe(true)
    expect(jsonLogs({ LOG_FORMAT: ' JSON ' })).toBe(true)
    expect(jsonLogs({ LOG_FORMAT: 'text' })).toBe(false)
    expect(jsonLogs({})).toBe(false)
  })
})
