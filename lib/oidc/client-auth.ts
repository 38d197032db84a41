/**
 * How this client authenticates at the provider's token, PAR and revocation
 * endpoints (OIDC Core §9): a shared secret, a signed assertion, or nothing
 * (a public client, protected by PKCE alone).
 */
import 'server-only'
import * as oauth from 'oauth4webapi'
import type { OidcConfig } from '../config'
import { clientPrivateKey } from './client-key'

/** How this client authenticates at the token, PAR and revocation endpoints of `as`. */
export async function clientAuthentication(
  config: OidcConfig,
  as: oauth.AuthorizationServer,
): Promise<oauth.ClientAuth> {
  const { credentials } = config
  switch (credentials.method) {
    case 'client_secret_basic':
      return oauth.ClientSecretBasic(credentials.secret)
    case 'client_secret_post':
      return oauth.ClientSecretPost(credentials.secret)
    case 'private_key_jwt': {
      // A short-lived assertion signed with our key (RFC 7523); config checked the key is there.
      const key = await clientPrivateKey(config.privateKey!)
      const tokenEndpoint = as.token_endpoint
      if (config.assertionAudience !== 'token_endpoint' || !tokenEndpoint) return oauth.PrivateKeyJwt(key)
      // Opt-in for providers that accept only their token endpoint as the audience (RFC 7523 §3 allows it);
      // the issuer, oauth4webapi's default, cannot be replayed at another endpoint of the same provider.
      return oauth.PrivateKeyJwt(key, {
        [oauth.modifyAssertion]: (_header, payload) => {
          payload.aud = tokenEndpoint
        },
      })
    }
    case 'none':
      return oauth.None()
  }
}
