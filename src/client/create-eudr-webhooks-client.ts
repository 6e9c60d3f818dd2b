// `createEudrWebhooksClient`: the client of N'entropy's EUDR webhook registration API
// (docs/client.md, "The EUDR client"; docs/server-eudr.md for the API). Same HTTP core as the
// Novatrade24 client; errors in N'entropy's `{ error, message, details? }` shape.

import { assertKnownOptions } from '../core/internal/assert-known-options.js';
import { describeValue } from '../core/internal/describe-value.js';
import { invalidOption } from '../core/internal/invalid-option.js';
import type { BearerTokenProvider } from './client-auth.js';
import {
  CLIENT_TRANSPORT_OPTION_NAMES,
  type ClientTransportOptions,
} from './client-transport-options.js';
import type { EudrWebhooksClient } from './eudr-webhooks-client.js';
import { bindEudrWebhooksClient } from './internal/eudr-routes.js';
import { createHttpCore } from './internal/http-core.js';
import { withOwner } from './internal/with-owner.js';

/**
 * Options of {@link createEudrWebhooksClient}.
 *
 * @example
 * ```ts
 * const options: EudrWebhooksClientOptions = {
 *   baseUrl: 'https://backend.joinnentropy.com/api/v1/integration',
 *   auth: process.env.EUDR_API_TOKEN!, // eudr_live_…
 *   retry: false,
 * };
 * const eudr = createEudrWebhooksClient(options);
 * ```
 */
export interface EudrWebhooksClientOptions extends ClientTransportOptions {
  /**
   * The integration API's base URL, up to and including `/api/v1/integration`, e.g.
   * `https://backend.joinnentropy.com/api/v1/integration`; the client appends `/webhook-events`.
   */
  readonly baseUrl: string;
  /**
   * The API token (`eudr_live_…`), sent as `Authorization: Bearer …`, or a function returning
   * it. N'entropy issues no OAuth2 client credentials.
   */
  readonly auth: string | BearerTokenProvider;
}

/** Every option name of {@link EudrWebhooksClientOptions} (a type test keeps the list complete). */
export const EUDR_WEBHOOKS_CLIENT_OPTION_NAMES = [
  'baseUrl',
  'auth',
  ...CLIENT_TRANSPORT_OPTION_NAMES,
] as const satisfies readonly (keyof EudrWebhooksClientOptions)[];

const OWNER = 'createEudrWebhooksClient';

/**
 * A client of N'entropy's webhook registration API: `register` (the documented call) and the
 * experimental `list`, `get`, `update` and `delete` that this SDK's EUDR server serves
 * (docs/server-eudr.md). Every method resolves to an `ApiResponse` and rejects with an
 * `EudrApiError` (branch on `code`) for an error answer. Writes carry an Idempotency-Key, so a
 * retried `register` does not register twice on a server that honours the key.
 *
 * @param options - base URL, the API token, and optionally `fetch`, `retry`, `userAgent`.
 * @throws WebhookValidationError `invalid_option` naming a missing, malformed or unknown option
 *   (client credentials as `auth` included).
 * @example
 * ```ts
 * const eudr = createEudrWebhooksClient({
 *   baseUrl: 'https://backend.joinnentropy.com/api/v1/integration',
 *   auth: process.env.EUDR_API_TOKEN!, // eudr_live_…
 * });
 * const { data } = await eudr.register({
 *   url: 'https://your-server.com/webhooks/eudr',
 *   events: ['supplier.created', 'supplier.updated', 'sync.completed'],
 * });
 * ```
 */
export function createEudrWebhooksClient(options: EudrWebhooksClientOptions): EudrWebhooksClient {
  assertKnownOptions(options, EUDR_WEBHOOKS_CLIENT_OPTION_NAMES, OWNER);
  const auth = (options as { auth?: unknown } | null | undefined)?.auth;
  if (typeof auth === 'object' && auth !== null) {
    throw invalidOption(
      'auth',
      `${OWNER}: \`auth\` must be the API token (eudr_live_…) or a function returning it; got ` +
        `${describeValue(auth)}. N'entropy issues no OAuth2 client credentials.`,
      'invalid_type',
    );
  }
  return bindEudrWebhooksClient(createHttpCore(withOwner(options, OWNER)));
}
