// The shape of the N'entropy EUDR registration client (docs/server-eudr.md). Built by
// `createEudrWebhooksClient` (create-eudr-webhooks-client.ts).

import type { ApiResponse } from './api-response.js';
import type {
  CreatedEudrWebhook,
  EudrWebhook,
  EudrWebhookListQuery,
  EudrWebhookPage,
  RegisterEudrWebhookInput,
  UpdateEudrWebhookInput,
} from './eudr-types.js';
import type { RequestOptions, WriteRequestOptions } from './request-options.js';

/**
 * A client of N'entropy's webhook registration API (`/api/v1/integration/webhook-events`).
 * `register` is N'entropy's documented call; `list`, `get`, `update` and `delete` are
 * **experimental**: this SDK's own server serves them (docs/server-eudr.md), N'entropy documents
 * none of them, and their shape may change in a minor release. Errors are `EudrApiError`s
 * (N'entropy's `{ error, message, details? }`).
 *
 * @example
 * ```ts
 * const eudr: EudrWebhooksClient = createEudrWebhooksClient({ baseUrl, auth: token });
 * const { data } = await eudr.register({ url, events: ['supplier.*'] });
 * ```
 */
export interface EudrWebhooksClient {
  /**
   * Registers an endpoint: `POST /webhook-events`, 201 with `active` and the signing `secret`,
   * shown only here. The client sends an Idempotency-Key (generated, or yours), so a retried
   * register does not create a second endpoint on a server that honours it.
   *
   * @throws EudrApiError `VALIDATION_ERROR` (400, `details[]`): an `http:` URL, a non-EUDR type.
   * @example
   * ```ts
   * const { data } = await eudr.register({
   *   url: 'https://your-server.com/webhooks/eudr',
   *   events: ['supplier.created', 'supplier.updated', 'sync.completed'],
   * });
   * await secrets.store(data.id, data.secret);
   * ```
   */
  register(
    input: RegisterEudrWebhookInput,
    options?: WriteRequestOptions,
  ): Promise<ApiResponse<CreatedEudrWebhook>>;

  /**
   * **Experimental.** One page of endpoints, oldest first: `GET /webhook-events?page&limit`
   * (`page` from 1, `limit` 1 to 100).
   *
   * @example
   * ```ts
   * const { data } = await eudr.list({ page: 1, limit: 50 });
   * ```
   */
  list(
    query?: EudrWebhookListQuery,
    options?: RequestOptions,
  ): Promise<ApiResponse<EudrWebhookPage>>;

  /**
   * **Experimental.** One endpoint, without its secret: `GET /webhook-events/{id}`.
   *
   * @throws EudrApiError `NOT_FOUND` (404).
   * @example
   * ```ts
   * const { data } = await eudr.get('wh_abc123');
   * ```
   */
  get(id: string, options?: RequestOptions): Promise<ApiResponse<EudrWebhook>>;

  /**
   * **Experimental.** Changes an endpoint: `PATCH /webhook-events/{id}`. `{ active: true }`
   * re-enables a disabled endpoint and replays nothing.
   *
   * @throws EudrApiError `NOT_FOUND` (404), `VALIDATION_ERROR` (400).
   * @example
   * ```ts
   * await eudr.update('wh_abc123', { active: true });
   * ```
   */
  update(
    id: string,
    patch: UpdateEudrWebhookInput,
    options?: WriteRequestOptions,
  ): Promise<ApiResponse<EudrWebhook>>;

  /**
   * **Experimental.** Deletes an endpoint: `DELETE /webhook-events/{id}`, 204.
   *
   * @throws EudrApiError `NOT_FOUND` (404).
   * @example
   * ```ts
   * await eudr.delete('wh_abc123');
   * ```
   */
  delete(id: string, options?: WriteRequestOptions): Promise<ApiResponse<undefined>>;
}
