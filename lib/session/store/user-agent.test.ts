import { describe, expect, it } from 'vitest'
import { describeUserAgent } from './user-agent'

describe('describeUserAgent', () => {
  it('names the browser and the system in plain words', () => {
    const cases: Array<[string, string]> = [
      [
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
        'Chrome on Linux',
      ],
      ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0', 'Firefox on Windows'],
      [
        'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
        'Safari on iPhone',
      ],
      [
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36 Edg/156.0.0.0',
        'Edge on macOS',
      ],
      [
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36',
        'Chrome on Android',
      ],
      [
        'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/156.0 Mobile/15E148 Safari/604.1',
        'Chrome on iPad',
      ],
      ['curl/8.5.0', 'curl'],
    ]
    for (const [ua, expected] of cases) expect(describeUserAgent(ua), ua).toBe(expected)
  })

  it('says so when it cannot tell', () => {
    expect(describeUserAgent(null)).toBe('An unknown browser')
    expect(describeUserAgent('')).toBe('An unknown browser')
    expect(describeUserAgent('SomeBot/1.0 (Linux)')).toBe('A browser on Linux')
  })

  it('never repeats what the client sent: an attacker-made User-Agent yields one of the fixed names', () => {
    expect(describeUserAgent('<script>alert(1)</script> Firefox/1')).toBe('Firefox')
    expect(describeUserAgent('x'.repeat(100_000))).toBe('An unknown browser')
  })
})
