/**
 * Every page the app writes without React: the small pages the auth route
 * handlers answer with (a failed login, the sign-out confirmation, a refused
 * cross-site request, sessions that cannot be checked). Route handlers cannot
 * render React pages with a status other than 200, and these must answer
 * 400/403/502/503/504, so each is a self-contained HTML document with no
 * script. Everything interpolated is escaped: the provider's
 * `error_description` is attacker-reachable text. The local provider's pages
 * (idp/views.ts) escape with the same function.
 */

/** Text made safe inside an element or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

const STYLE = `
  :root { color-scheme: light; font-family: ui-sans-serif, system-ui, sans-serif; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #f8fafc; color: #0f172a; }
  main { max-width: 34rem; margin: 1.5rem; padding: 2rem; background: #fff; border: 1px solid #e2e8f0; border-radius: 1rem; box-shadow: 0 1px 3px rgb(15 23 42 / .08); }
  h1 { font-size: 1.25rem; margin: 0 0 .75rem; }
  p { line-height: 1.55; margin: .5rem 0; color: #334155; }
  dl { margin: 1rem 0; padding: .75rem 1rem; background: #f1f5f9; border-radius: .5rem; font-size: .9rem; }
  dt { font-weight: 600; color: #475569; }
  dd { margin: 0 0 .5rem; font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
  .status { font-size: .8rem; letter-spacing: .05em; text-transform: uppercase; color: #64748b; }
  .actions { display: flex; flex-wrap: wrap; gap: .75rem; margin-top: 1.5rem; }
  a, button { display: inline-block; white-space: nowrap; padding: .55rem 1rem; border-radius: .5rem; text-decoration: none; font: inherit; font-weight: 600; cursor: pointer; }
  .primary { background: #4f46e5; color: #fff; border: 1px solid #4f46e5; }
  .secondary { background: #fff; color: #4f46e5; border: 1px solid #c7d2fe; }
  form { margin: 0; }
`

/** A link, or a button that POSTs a form to our own origin (with its hidden fields). */
export type PageAction =
  | { readonly kind: 'link'; readonly href: string; readonly label: string; readonly primary?: boolean }
  | {
      readonly kind: 'post'
      readonly action: string
      readonly label: string
      readonly fields?: Readonly<Record<string, string>>
      readonly primary?: boolean
    }

export interface PageContent {
  /** The small line above the title, e.g. "Sign-in failed · 400". */
  readonly kicker: string
  readonly title: string
  /** Paragraphs of plain text (escaped here), each with an optional id for tests and assistive tech. */
  readonly paragraphs: ReadonlyArray<{ readonly text: string; readonly id?: string }>
  /** Extra, already-escaped HTML under the paragraphs. */
  readonly extraHtml?: string
  readonly actions: readonly PageAction[]
  /** A data-* attribute on <main>, for tests: [name, value]. */
  readonly data?: readonly [string, string]
}

function actionHtml(action: PageAction): string {
  const cls = action.primary ? 'primary' : 'secondary'
  if (action.kind === 'link')
    return `<a class="${cls}" href="${escapeHtml(action.href)}">${escapeHtml(action.label)}</a>`
  const fields = Object.entries(action.fields ?? {})
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('')
  return `<form method="post" action="${escapeHtml(action.action)}">${fields}<button type="submit" class="${cls}">${escapeHtml(action.label)}</button></form>`
}

/** One small self-contained page. `nonce` is the nonce of this response's CSP, without which the inline style would be blocked. */
export function pageHtml(content: PageContent, nonce: string): string {
  const data = content.data ? ` data-${escapeHtml(content.data[0])}="${escapeHtml(content.data[1])}"` : ''
  const paragraphs = content.paragraphs
    .map((p) => `<p${p.id ? ` id="${escapeHtml(p.id)}"` : ''}>${escapeHtml(p.text)}</p>`)
    .join('\n    ')
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <title>${escapeHtml(content.title)}</title>
  <style nonce="${escapeHtml(nonce)}">${STYLE}</style>
</head>
<body>
  <main role="main"${data}>
    <p class="status">${escapeHtml(content.kicker)}</p>
    <h1>${escapeHtml(content.title)}</h1>
    ${paragraphs}
    ${content.extraHtml ?? ''}
    <div class="actions">
      ${content.actions.map(actionHtml).join('\n      ')}
    </div>
  </main>
</body>
</html>`
}
