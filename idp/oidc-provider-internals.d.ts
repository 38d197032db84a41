/**
 * oidc-provider's own DPoP proof check, which its grants use; a custom grant
 * (token exchange, idp/resources.ts) uses it too, so its proofs are held to the
 * same rules (signature, htm, htu, iat, nonce) as every other grant's.
 */
declare module 'oidc-provider/lib/helpers/validate_dpop.js' {
  import type Provider from 'oidc-provider'
  import type { KoaContextWithOIDC } from 'oidc-provider'

  export interface DpopProof {
    readonly thumbprint: string
    readonly jti: string
    readonly iat: number
  }
  export default function validateDpop(
    provider: Provider,
    ctx: KoaContextWithOIDC,
    accessToken?: string,
  ): Promise<DpopProof | undefined>
  export function checkDpopReplay(
    provider: Provider,
    ctx: KoaContextWithOIDC,
    dPoP: DpopProof,
    clientId: string,
    ErrorClass: new (description: string) => Error,
  ): Promise<void>
}
