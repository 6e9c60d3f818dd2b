// `jwtAuthenticator(options)`: the public face of the OAuth2/OIDC bearer-JWT authenticator
// (internal/auth/jwt-authenticator.ts), as the `authenticate` function the management APIs take.

import {
  createJwtAuthenticator,
  type JwtAuthenticatorOptions,
} from './internal/auth/jwt-authenticator.js';
import type { Authenticate } from './management-api.js';

/**
 * Authenticates OAuth2/OIDC bearer JWTs (a Keycloak realm's access tokens, say) against a JWKS:
 * the signature (asymmetric algorithms only), `iss`, `aud`, `exp` and `nbf` (with
 * `clockToleranceSeconds`), then the organization from `organizationClaim`. A missing, malformed,
 * expired, wrong-issuer, wrong-audience or unknown-key token is `null` (401); a key set that
 * cannot be loaded rejects with `authentication_unavailable` (503 with `Retry-After`).
 *
 * @param options - `jwksUrl` or `jwks`, `issuer`, `audience`, `organizationClaim` (default
 *   `organizationUuid`), `tierClaim`/`tier`, `clientIdClaim` (default `azp`), `algorithms`,
 *   `clockToleranceSeconds` (default 30), `now`, `fetch` and the key-set cache settings.
 * @returns the `authenticate` function for `createManagementApi`.
 * @throws WebhookValidationError `invalid_option` naming the faulty option.
 * @example
 * ```ts
 * const api = createManagementApi(sender, {
 *   authenticate: jwtAuthenticator({
 *     jwksUrl: 'https://auth.novatrade24.com/realms/nt24-idp/protocol/openid-connect/certs',
 *     issuer: 'https://auth.novatrade24.com/realms/nt24-idp',
 *     audience: 'novatrade24-api',
 *     organizationClaim: 'organization_uuid',
 *   }),
 * });
 * ```
 */
export function jwtAuthenticator(options: JwtAuthenticatorOptions): Authenticate {
  const authenticator = createJwtAuthenticator(options);
  return (request) => authenticator.authenticate(request);
}
