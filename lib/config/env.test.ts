import { describe, expect, it } from 'vitest'
import { isLoopbackHost, parseFlag, parseSeconds, parseUrl, read } from './env'

describe('reading the environment', () => {
  it('treats an empty or blank variable as unset, and trims the rest', () => {
    expect(read({ A: '  ' }, 'A')).toBeUndefined()
    expect(read({ A: '' }, 'A')).toBeUndefined()
    expect(read({ A: ' value ' }, 'A')).toBe('value')
  })

  it('takes "true" or "false" only, listing anything else as a problem', () => {
    const problems: string[] = []
    expect(parseFlag({ F: 'true' }, 'F', problems)).toBe(true)
    expect(parseFlag({}, 'F', problems)).toBe(false)
    expect(parseFlag({ F: 'yes' }, 'F', problems)).toBe(false)
    expect(problems).toEqual(['F must be "true" or "false"; got "yes".'])
  })

  it('takes whole seconds between a minute and a year, or the default when unset', () => {
    const problems: string[] = []
    expect(parseSeconds({}, 'T', 1800, problems)).toBe(1800)
    expect(parseSeconds({ T: '60' }, 'T', 1800, problems)).toBe(60)
    for (const raw of ['59', '1.5', '1e3', '31622401', 'soon'])
      expect(parseSeconds({ T: raw }, 'T', 1800, problems), raw).toBeUndefined()
    expect(problems).toHaveLength(5)
  })

  it('accepts http(s) URLs only', () => {
    expect(parseUrl('https://op.example.com/x')?.href).toBe('https://op.example.com/x')
    for (const raw of ['javascript:alert(1)', 'ftp://op.example.com', 'op.example.com'])
      expect(parseUrl(raw), raw).toBeUndefined()
  })

  it('counts as loopback only the names that cannot leave this machine', () => {
    for (const host of ['localhost', 'LOCALHOST', 'app.localhost', '127.0.0.1', '127.8.9.10', '::1', '[::1]']) {
      expect(isLoopbackHost(host), host).toBe(true)
    }
    for (const host of ['localhost.example.com', '127.0.0.1.nip.io', '10.0.0.1', '128.0.0.1', '::2', 'example.com']) {
      expect(isLoopbackHost(host), host).toBe(false)
    }
  })
})
