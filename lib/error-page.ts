/**
 * The page a failed login ends on. Route handlers cannot render React pages with
 * a status other than 200, and a failed login must answer 400/502/503/504, so
 * this is a small self-contained HTML document. Everything interpolated is
 * escaped: the provider's `error_description` is attacker-reachable text.
 */
import type { LoginError } from './login-error'

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
  .actions { display: flex; gap: .75rem; margin-top: 1.5rem; }
  a { display: inline-block; padding: .55rem 1rem; border-radius: .5rem; text-decoration: none; font-weight: 600; }
  a.primary { background: #4f46e5; color: #fff; }
  a.secondary { color: #4f46e5; border: 1px solid #c7d2fe; }
`

/** `nonce` is the nonce of this response's CSP, without which the inline style would be blocked. */
export function errorPageHtml(error: LoginError, retryHref: string, nonce: string): string {
  const provider = error.providerError
    ? `<dl>
        <dt>Provider error</dt><dd id="provider-error">${escapeHtml(error.providerError.error)}</dd>
        ${
          error.providerError.description
            ? `<dt>Description</dt><dd id="provider-error-description">${escapeHtml(error.providerError.description)}</dd>`
            : ''
        }
      </dl>`
    : ''
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <title>Sign-in failed</title>
  <style nonce="${escapeHtml(nonce)}">${STYLE}</style>
</head>
<body>
  <main role="main" data-error-kind="${escapeHtml(error.kind)}">
    <p class="status">Sign-in failed · ${error.status}</p>
    <h1>${escapeHtml(error.title)}</h1>
    <p id="error-detail">${escapeHtml(error.detail)}</p>
    ${provider}
    <div class="actions">
      <a class="primary" href="${escapeHtml(retryHref)}">Try signing in again</a>
      <a class="secondary" href="/">Go to the home page</a>
    </div>
  </main>
</body>
</html>`
}
