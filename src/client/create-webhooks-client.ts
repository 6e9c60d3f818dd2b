// `createWebhooksClient`: the typed client of the Novatrade24 management API (docs/client.md).
// The routes (internal/webhooks-routes.ts) describe each call; the HTTP core (internal/
// http-core.ts) sends it with the token, the Idempotency-Key and retries (docs/design.md §5.36).

import type { EventDataMap } from '../core/catalog/event-data.js';
import { assertKnownOptions } from '../core/internal/assert-known-options.js';
import type { ClientAuth } from './client-auth.js';
import {
  CLIENT_TRANSPORT_OPTION_NAMES,
  type ClientTransportOptions,
} from './client-transport-options.js';
import { createHttpCore } from './internal/http-core.js';
import { bindWebhooksClient } from './internal/webhooks-routes.js';
import { withOwner } from './internal/with-owner.js';
import type { WebhooksClient } from './webhooks-client.js';

/**
 * Options of {@link createWebhooksClient}.
 *
 * @example
 * ```ts
 * const options: WebhooksClientOptions = {
 *   baseUrl: 'https://api.novatrade24.com',
 *   auth: { clientId: 'api-client-acme', clientSecret, tokenUrl },
 *   retry: { attempts: 3 },
 *   timeoutMs: 10_000,
 * };
 * const client = createWebhooksClient(options);
 * ```
 */
export interface WebhooksClientOptions extends ClientTransportOptions {
  /**
   * The API's base URL, e.g. `https://api.novatrade24.com`: absolute `https:` (or `http:`), no
   * query, fragment or credentials. A path prefix is kept (`https://gateway.example/nt24` sends
   * `https://gateway.example/nt24/v1/webhooks`).
   */
  readonly baseUrl: string;
  /**
   * Client credentials `{ clientId, clientSecret, tokenUrl }` (Keycloak: the token is fetched,
   * cached, refreshed 60 s before it expires and once on a 401), a static bearer token, or a
   * function returning one.
   */
  readonly auth: ClientAuth;
}

/** Every option name of {@link WebhooksClientOptions} (a type test keeps the list complete). */
export const WEBHOOKS_CLIENT_OPTION_NAMES = [
  'baseUrl',
  'auth',
  ...CLIENT_TRANSPORT_OPTION_NAMES,
] as const satisfies readonly (keyof WebhooksClientOptions)[];

/**
 * A typed client of the Novatrade24 management API: `endpoints`, `deliveries` and `events`, one
 * method per route (docs/client.md). Every method resolves to an `ApiResponse` (`data` plus the
 * status, headers, rate-limit state, request id, `idempotentReplayed` and attempts) and rejects
 * with a `NovatradeApiError` for an error answer (branch on `problemType`). Writes carry an
 * Idempotency-Key (yours, or a UUID made once per call and reused by its retries). Answers are not
 * validated again: unknown fields and enum values pass through (docs/design.md §6.1). No `node:` import:
 * it runs wherever the global `fetch` does.
 *
 * @typeParam D - the event data types by type, which type `events.publish` and `endpoints.test`:
 *   `EventDataMap` (the Novatrade24 catalog) by default, `UntypedEventDataMap` for any.
 * @param options - base URL, authentication, and optionally `fetch`, `retry`, `userAgent`.
 * @throws WebhookValidationError `invalid_option` naming a missing, malformed or unknown option.
 * @example
 * ```ts
 * const client = createWebhooksClient({
 *   baseUrl: 'https://api.novatrade24.com',
 *   auth: {
 *     clientId: 'api-client-acme',
 *     clientSecret: process.env.NT24_CLIENT_SECRET!,
 *     tokenUrl: 'https://auth.novatrade24.com/realms/nt24-idp/protocol/openid-connect/token',
 *   },
 * });
 * const { data: endpoint } = await client.endpoints.create({
 *   url: 'https://partner.example/webhooks/novatrade',
 *   events: ['compliance.*'],
 * });
 * ```
 */
export function createWebhooksClient<D = EventDataMap>(
  options: WebhooksClientOptions,
): WebhooksClient<D> {
  assertKnownOptions(options, WEBHOOKS_CLIENT_OPTION_NAMES, 'createWebhooksClient');
  return bindWebhooksClient<D>(createHttpCore(withOwner(options, 'createWebhooksClient')));
}
