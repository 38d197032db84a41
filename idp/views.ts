/** HTML pages of the local provider: login, consent, logout, errors. Everything interpolated is escaped. */
import { escapeHtml } from '../lib/http/html.ts'
import { DEMO_USERS } from './users.ts'

const STYLE = `
  :root { font-family: ui-sans-serif, system-ui, sans-serif; color: #1e293b; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #0f172a; }
  main { box-sizing: border-box; width: min(26rem, 100% - 1.5rem); margin: .75rem 0; padding: 2rem; background: #fff; border-radius: 1rem; box-shadow: 0 10px 30px rgb(0 0 0 / .3); }
  .brand { font-size: .75rem; letter-spacing: .08em; text-transform: uppercase; color: #64748b; margin: 0 0 .25rem; }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; }
  label { display: block; font-size: .85rem; font-weight: 600; margin: .75rem 0 .25rem; }
  input { box-sizing: border-box; width: 100%; padding: .55rem .7rem; border: 1px solid #cbd5e1; border-radius: .5rem; font-size: 1rem; }
  button { width: 100%; margin-top: 1rem; padding: .6rem; border: 0; border-radius: .5rem; font-size: 1rem; font-weight: 600; cursor: pointer; background: #0f766e; color: #fff; }
  button.secondary { background: #fff; color: #334155; border: 1px solid #cbd5e1; margin-top: .5rem; }
  .notice { background: #eff6ff; color: #1e3a8a; padding: .5rem .75rem; border-radius: .5rem; font-size: .9rem; }
  .error { background: #fef2f2; color: #991b1b; padding: .5rem .75rem; border-radius: .5rem; font-size: .9rem; }
  .hint { margin-top: 1.25rem; font-size: .8rem; color: #64748b; border-top: 1px solid #e2e8f0; padding-top: .75rem; }
  code { background: #f1f5f9; padding: 0 .25rem; border-radius: .25rem; }
  ul { padding-left: 1.1rem; } li { margin: .3rem 0; }
`

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)} · Local Identity Provider</title>
  <link rel="icon" href="/favicon.ico">
  <style>${STYLE}</style>
</head>
<body><main>
  <p class="brand">Local Identity Provider</p>
  ${body}
</main></body>
</html>`
}

/**
 * The login form. `stepUp`: the user is signed in here already, and the app
 * asked for a fresh sign-in (prompt=login or max_age), so the page says why.
 * `username` fills the field (the app's login_hint, or what was typed).
 */
export function loginPage(uid: string, clientName: string, error?: string, username = '', stepUp = false): string {
  const demo = DEMO_USERS.map(
    (u) => `<li><code>${escapeHtml(u.username)}</code> / <code>${escapeHtml(u.password)}</code></li>`,
  ).join('')
  return page(
    'Sign in',
    `<h1>Sign in to continue to ${escapeHtml(clientName)}</h1>
    ${stepUp ? `<p class="notice" data-testid="step-up-reason">${escapeHtml(clientName)} asks you to sign in again to confirm it is you: the page you opened there needs a recent sign-in.</p>` : ''}
    ${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
    <form method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
      <label for="username">Username</label>
      <input id="username" name="username" value="${escapeHtml(username)}" required${username ? '' : ' autofocus'}>
      <label for="password">Password</label>
      <input id="password" name="password" type="password" required${username ? ' autofocus' : ''}>
      <button type="submit">Sign in</button>
    </form>
    <div class="hint">Demo users on this local provider:<ul>${demo}</ul></div>`,
  )
}

const SCOPE_TEXT: Record<string, string> = {
  openid: 'Know who you are (your user ID)',
  profile: 'See your name, username, picture and locale',
  email: 'See your email address',
  offline_access: 'Stay signed in while you are away',
}

export function consentPage(uid: string, clientName: string, scopes: readonly string[]): string {
  const items = scopes.map((s) => `<li>${escapeHtml(SCOPE_TEXT[s] ?? s)}</li>`).join('')
  return page(
    'Allow access',
    `<h1>${escapeHtml(clientName)} wants to</h1>
    <ul>${items}</ul>
    <form method="post" action="/interaction/${escapeHtml(uid)}/confirm"><button type="submit">Allow</button></form>
    <form method="post" action="/interaction/${escapeHtml(uid)}/abort"><button type="submit" class="secondary">Deny</button></form>`,
  )
}

/**
 * `form` is oidc-provider's own hidden form (it carries the anti-CSRF token).
 * An app that sends the user here has already ended its own session: the
 * question is only about the provider's.
 */
export function logoutPage(form: string, clientName: string | undefined): string {
  return page(
    'Sign out',
    `<h1>Sign out of the Local Identity Provider too?</h1>
    <p>${clientName ? `You are signed out of ${escapeHtml(clientName)}.` : 'You are signed out of the app.'} You are still signed in here, at the provider, so your next sign-in would not ask for a password.</p>
    ${form}
    <button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Yes, sign out of the provider too</button>
    <button type="submit" form="op.logoutForm" class="secondary">No, stay signed in at the provider</button>`,
  )
}

export function loggedOutPage(): string {
  return page('Signed out', '<h1>You are signed out</h1><p>You can close this window.</p>')
}

export function errorPage(details: object): string {
  const rows = Object.entries(details)
    .map(([k, v]) => `<p><strong>${escapeHtml(k)}</strong>: ${escapeHtml(String(v))}</p>`)
    .join('')
  return page('Error', `<h1>Something went wrong</h1>${rows}`)
}

/** A round avatar with the user's initials, served as the `picture` claim. */
export function avatarSvg(initials: string, colour: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">
  <circle cx="64" cy="64" r="64" fill="${escapeHtml(colour)}"/>
  <text x="64" y="80" font-family="system-ui, sans-serif" font-size="48" font-weight="600" fill="#fff" text-anchor="middle">${escapeHtml(initials)}</text>
</svg>`
}
