/**
 * The interactions oidc-provider hands to us: the login page (with step-up,
 * when the app asks for a fresh sign-in) and the consent page.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type Provider from 'oidc-provider'
import { CLIENT_NAME, PASSWORD_ACR } from './configuration.ts'
import { readForm, send } from './http.ts'
import { findUserByCredentials } from './users.ts'
import { consentPage, errorPage, loginPage } from './views.ts'

/** Handles the login and consent pages that oidc-provider hands interactions to. */
export async function handleInteraction(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  path: string[],
): Promise<void> {
  const [, uid, action] = path
  const details = await provider.interactionDetails(req, res)
  if (details.uid !== uid) return send(res, 400, 'text/html', errorPage({ error: 'interaction mismatch' }))
  const clientName = CLIENT_NAME

  if (req.method === 'GET' && !action) {
    if (details.prompt.name === 'login') {
      // A login asked for again (prompt=login, or max_age passed) while signed in here: a step-up. Say so, and fill in who.
      const reasons = details.prompt.reasons
      const stepUp = Boolean(details.session) && (reasons.includes('login_prompt') || reasons.includes('max_age'))
      const hint = typeof details.params.login_hint === 'string' ? details.params.login_hint : ''
      return send(res, 200, 'text/html; charset=utf-8', loginPage(details.uid, clientName, undefined, hint, stepUp))
    }
    const scopes = (typeof details.params.scope === 'string' ? details.params.scope : 'openid').split(' ')
    return send(res, 200, 'text/html; charset=utf-8', consentPage(details.uid, clientName, scopes))
  }
  if (req.method !== 'POST') return send(res, 405, 'text/plain', 'method not allowed')

  if (action === 'login') {
    const form = await readForm(req)
    const username = form.get('username') ?? ''
    const user = findUserByCredentials(username, form.get('password') ?? '')
    if (!user) {
      return send(
        res,
        401,
        'text/html; charset=utf-8',
        loginPage(details.uid, clientName, 'Wrong username or password.', username),
      )
    }
    return provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.sub, acr: PASSWORD_ACR, amr: ['pwd'] } },
      { mergeWithLastSubmission: false },
    )
  }

  if (action === 'confirm') {
    const { prompt, params, session, grantId } = details
    if (prompt.name !== 'consent' || !session)
      return send(res, 400, 'text/html', errorPage({ error: 'nothing to confirm' }))
    const grant = grantId
      ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: String(params.client_id) })
    if (!grant) return send(res, 400, 'text/html', errorPage({ error: 'grant not found' }))
    const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] }
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '))
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims)
    for (const [indicator, scopes] of Object.entries(
      (prompt.details as { missingResourceScopes?: Record<string, string[]> }).missingResourceScopes ?? {},
    )) {
      grant.addResourceScope(indicator, scopes.join(' '))
    }
    const savedGrantId = await grant.save()
    return provider.interactionFinished(
      req,
      res,
      { consent: { grantId: savedGrantId } },
      { mergeWithLastSubmission: true },
    )
  }

  if (action === 'abort') {
    return provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'The user declined to share their profile with the app.' },
      { mergeWithLastSubmission: false },
    )
  }
  return send(res, 404, 'text/plain', 'not found')
}
