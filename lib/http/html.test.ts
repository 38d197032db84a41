import { describe, expect, it } from 'vitest'
import { escapeHtml, pageHtml } from './html'

describe('pages written without React', () => {
  it('escapes the five characters that could end a text or an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;',
    )
  })

  it('escapes every value it is given, runs no script, and styles itself only under the response nonce', () => {
    const html = pageHtml(
      {
        kicker: 'Kicker <i>',
        title: '<script>alert(1)</script>',
        paragraphs: [{ text: '"quoted" & <b>bold</b>', id: 'p"1' }],
        actions: [
          { kind: 'link', href: '/x?a=1&b="2"', label: '<Go>', primary: true },
          { kind: 'post', action: '/auth/logout', label: 'Sign out', fields: { scope: '"all"' } },
        ],
        data: ['kind', '<k>'],
      },
      'nonce-value',
    )
    expect(html).not.toMatch(/<script/i)
    expect(html).not.toContain('<b>')
    for (const escaped of [
      '<title>&#60;script&#62;alert(1)&#60;/script&#62;</title>',
      '<p id="p&#34;1">&#34;quoted&#34; &#38; &#60;b&#62;bold&#60;/b&#62;</p>',
      'href="/x?a=1&#38;b=&#34;2&#34;"',
      '<input type="hidden" name="scope" value="&#34;all&#34;">',
      'data-kind="&#60;k&#62;"',
      '<style nonce="nonce-value">',
    ]) {
      expect(html).toContain(escaped)
    }
  })
})
