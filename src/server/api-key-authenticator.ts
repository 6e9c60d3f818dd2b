// `apiKeyAuthenticator(keys)`: the public face of the static API-key authenticator
// (internal/auth/api-key-authenticator.ts), as the `authenticate` function the management APIs
// take.

import { type ApiKey, createApiKeyAuthenticator } from './internal/auth/api-key-authenticator.js';
import { nodeSha256 } from './internal/sha256.node.js';
import type { Authenticate } from './management-api.js';

/**
 * Authenticates static API keys: `Authorization: Bearer <token>` with a configured token is that
 * key's organization, tier and client; anything else is `null` (401). Tokens are compared as
 * SHA-256 digests in constant time and never appear in an error.
 *
 * @param keys - the accepted keys: each `{ token, organizationUuid, tier?, clientId? }`, tokens
 *   of 16 to 1024 RFC 6750 characters, unique, one tier per organization.
 * @returns the `authenticate` function for `createManagementApi`.
 * @throws WebhookValidationError `invalid_option` naming the faulty `keys[i]` path; no message
 *   contains a token.
 * @example
 * ```ts
 * const api = createManagementApi(sender, {
 *   authenticate: apiKeyAuthenticator([
 *     { token: process.env.NT24_API_KEY!, organizationUuid: org, tier: 'HIGH_VOLUME' },
 *   ]),
 * });
 * ```
 */
export function apiKeyAuthenticator(keys: readonly ApiKey[]): Authenticate {
  const authenticator = createApiKeyAuthenticator({ keys }, nodeSha256);
  return (request) => authenticator.authenticate(request);
}
