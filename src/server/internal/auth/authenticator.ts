// The authentication port of the management API: who is calling. The API calls it once per
// request, before anything else; `null` becomes a 401 `unauthorized` problem. Adapters: static API
// keys (api-key-authenticator.ts); OAuth2/OIDC bearer JWTs verified against a JWKS come later.

import type { RateLimitTier } from '../rate-limit/rate-limit-policy.js';

/**
 * The caller a request authenticated as: the organization every call is scoped by, and the tier
 * its rate limits are read from. Several clients may share one organization (and so its scope and
 * its rate-limit budget); `clientId` tells them apart in logs.
 */
export interface Principal {
  /** The organization the credentials belong to: every call is scoped by it. */
  readonly organizationUuid: string;
  /** The organization's rate-limit tier (`capabilities.rateLimitTier` of `GET /v1/me`). */
  readonly tier: RateLimitTier;
  /** The API client that called, when the credentials name one (for logs; never a secret). */
  readonly clientId?: string;
}

/**
 * The authentication port: resolves a request's credentials to a {@link Principal}.
 *
 * An implementation resolves to `null` when the request carries no credentials, malformed ones or
 * unknown ones (the API answers 401 `unauthorized`), and never rejects because of what the request
 * contains: a rejection means the authenticator itself failed (the API answers 500). It reads the
 * request's headers only, never its body, which the API still has to read.
 *
 * @example
 * ```ts
 * const authenticator: Authenticator = {
 *   async authenticate(request) {
 *     return request.headers.get('x-test-organization') === null
 *       ? null
 *       : { organizationUuid: '3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03', tier: 'STANDARD' };
 *   },
 * };
 * const principal = await authenticator.authenticate(new Request('https://api.example/v1/me'));
 * // null: the request names no organization
 * ```
 */
export interface Authenticator {
  /**
   * The principal `request` authenticates as, or `null` when it does not authenticate.
   *
   * @param request - the incoming request; only its headers are read.
   * @returns the principal, or `null` for missing, malformed or unknown credentials.
   */
  authenticate(request: Request): Promise<Principal | null>;
}
