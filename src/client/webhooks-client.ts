// The shape of the Novatrade24 management API client: one namespace per resource, one method per
// route of docs/server.md. Built by `createWebhooksClient` (create-webhooks-client.ts).

import type { EventDataMap } from '../core/catalog/event-data.js';
import type { ApiResponse } from './api-response.js';
import type {
  ClientEventType,
  CreateWebhookEndpointInput,
  DeliveryListQuery,
  PublishEventInput,
  RecoverDeliveriesInput,
  RotateSecretInput,
  TestFireInput,
  UpdateWebhookEndpointInput,
} from './input-types.js';
import type { RequestOptions, WriteRequestOptions } from './request-options.js';
import type {
  CreatedWebhookEndpoint,
  DeliveryDetail,
  DeliveryPage,
  PublishedEvent,
  RecoverResult,
  RotatedSecret,
  WebhookDelivery,
  WebhookEndpoint,
} from './resource-types.js';

/**
 * `client.endpoints`: the `/v1/webhooks` routes. Every call resolves to an {@link ApiResponse}
 * and rejects with a `NovatradeApiError` for an error answer.
 *
 * @example
 * ```ts
 * await client.endpoints.pause(endpointId); // new events are parked meanwhile
 * await client.endpoints.resume(endpointId);
 * ```
 */
export interface WebhookEndpointsApi<D = EventDataMap> {
  /**
   * Registers an endpoint: `POST /v1/webhooks`, 201. The answer holds the signing `secret`, shown
   * only here (and in a replay of the same Idempotency-Key).
   *
   * @param input - url, events and the optional filters.
   * @param options - Idempotency-Key, signal, request id.
   * @throws NovatradeApiError `validation-error` (422, with `errors[]`): an `http:` URL, an
   *   unknown event type or pattern, a misspelt field.
   * @example
   * ```ts
   * const { data } = await client.endpoints.create({
   *   url: 'https://partner.example/webhooks/novatrade', events: ['compliance.*'],
   * });
   * await secrets.store(data.id, data.secret);
   * ```
   */
  create(
    input: CreateWebhookEndpointInput,
    options?: WriteRequestOptions,
  ): Promise<ApiResponse<CreatedWebhookEndpoint>>;

  /**
   * Every endpoint of the organization, oldest first, without secrets: `GET /v1/webhooks`, a bare
   * array (no pagination).
   *
   * @example
   * ```ts
   * const { data: endpoints } = await client.endpoints.list();
   * ```
   */
  list(options?: RequestOptions): Promise<ApiResponse<readonly WebhookEndpoint[]>>;

  /**
   * One endpoint, without its secret: `GET /v1/webhooks/{id}`.
   *
   * @param id - the endpoint id (`wh_…`); percent-encoded into the path.
   * @throws WebhookValidationError `invalid_option` when `id` is not a non-empty string.
   * @throws NovatradeApiError `not-found` (404): no such endpoint in the caller's organization.
   * @example
   * ```ts
   * const { data: endpoint } = await client.endpoints.get('wh_a1b2c3d4');
   * ```
   */
  get(id: string, options?: RequestOptions): Promise<ApiResponse<WebhookEndpoint>>;

  /**
   * Changes an endpoint: `PATCH /v1/webhooks/{id}` as `application/merge-patch+json`. Each field
   * given replaces the stored value whole; `partnerIds: null` clears the filter.
   *
   * @throws NovatradeApiError `not-found` (404), `validation-error` (422).
   * @example
   * ```ts
   * await client.endpoints.update('wh_a1b2c3d4', { events: ['compliance.*', 'kyc.*'] });
   * ```
   */
  update(
    id: string,
    patch: UpdateWebhookEndpointInput,
    options?: WriteRequestOptions,
  ): Promise<ApiResponse<WebhookEndpoint>>;

  /**
   * Pauses an endpoint (`PATCH {"status":"PAUSED"}`): new events are parked as FAILED
   * `ENDPOINT_PAUSED`, replayable later.
   *
   * @example
   * ```ts
   * await client.endpoints.pause('wh_a1b2c3d4');
   * ```
   */
  pause(id: string, options?: WriteRequestOptions): Promise<ApiResponse<WebhookEndpoint>>;

  /**
   * Resumes a PAUSED or DISABLED endpoint (`PATCH {"status":"ACTIVE"}`) with a fresh failure
   * count. It replays nothing: send what was parked meanwhile with `deliveries.recover` or
   * `deliveries.replay`.
   *
   * @example
   * ```ts
   * await client.endpoints.resume('wh_a1b2c3d4');
   * await client.deliveries.recover('wh_a1b2c3d4', { since: pausedAt });
   * ```
   */
  resume(id: string, options?: WriteRequestOptions): Promise<ApiResponse<WebhookEndpoint>>;

  /**
   * Deletes an endpoint: `DELETE /v1/webhooks/{id}`, 204 (`data` is `undefined`). Its pending
   * deliveries end FAILED `ENDPOINT_DELETED`.
   *
   * @throws NovatradeApiError `not-found` (404).
   * @example
   * ```ts
   * await client.endpoints.delete('wh_a1b2c3d4');
   * ```
   */
  delete(id: string, options?: WriteRequestOptions): Promise<ApiResponse<undefined>>;

  /**
   * Fires a synthetic event at one endpoint: `POST /v1/webhooks/{id}/test`, 202 with the queued
   * delivery (`test: true`). It ignores the endpoint's subscriptions, partner filter and PAUSED
   * status; one attempt, no retries.
   *
   * @throws NovatradeApiError `invalid-state` (409) on a DISABLED endpoint; `validation-error`
   *   (422) when `data` does not fit the type.
   * @example
   * ```ts
   * await client.endpoints.test('wh_a1b2c3d4', {
   *   eventType: 'compliance.decision_made',
   *   data: { orderUuid: '00000000-0000-0000-0000-000000000000', decision: 'VALID_EXPORT' },
   * });
   * ```
   */
  test<T extends ClientEventType<D>>(
    id: string,
    input: TestFireInput<D, T>,
    options?: WriteRequestOptions,
  ): Promise<ApiResponse<WebhookDelivery>>;

  /**
   * Rotates the signing secret: `POST /v1/webhooks/{id}/rotate-secret`. The new secret signs from
   * now on; the current ones keep signing for `overlapMs` (24 h by default), so each delivery
   * carries one `v1=` per live secret meanwhile.
   *
   * @example
   * ```ts
   * const { data } = await client.endpoints.rotateSecret('wh_a1b2c3d4', { overlapMs: 3_600_000 });
   * ```
   */
  rotateSecret(
    id: string,
    input?: RotateSecretInput,
    options?: WriteRequestOptions,
  ): Promise<ApiResponse<RotatedSecret>>;
}

/**
 * `client.deliveries`: the delivery history and its replays.
 *
 * @example
 * ```ts
 * for await (const d of client.deliveries.listAll(endpointId, { status: 'FAILED' })) {
 *   await client.deliveries.replay(endpointId, d.id);
 * }
 * ```
 */
export interface WebhookDeliveriesApi {
  /**
   * One page of an endpoint's delivery history (the last 30 days): `GET
   * /v1/webhooks/{id}/deliveries`, newest first by default.
   *
   * @param query - `status`, `since` (exclusive), zero-based `page`, `size` 1 to 100, `sort`.
   * @throws NovatradeApiError `validation-error` (422) for a bad query value, `not-found` (404).
   * @example
   * ```ts
   * const { data } = await client.deliveries.list('wh_a1b2c3d4', { status: 'FAILED', size: 50 });
   * console.log(data.pagination.totalElements, data.data.map((d) => d.eventId));
   * ```
   */
  list(
    endpointId: string,
    query?: DeliveryListQuery,
    options?: RequestOptions,
  ): Promise<ApiResponse<DeliveryPage>>;

  /**
   * Every delivery of the query, page after page (following `pagination.hasNext`), as an async
   * iterable: one request per page, made when the previous page is used up. `break` stops it
   * without another request; `signal` aborts it (the loop rejects with the signal's reason);
   * `requestId` goes with every page, so the server's logs group the iteration.
   * Pages are offsets: with the default newest-first sort, deliveries created while iterating
   * shift later pages (an item may come twice); `sort: 'createdAt,asc'` appends them at the end.
   *
   * @param query - as for `list`; `page` is where iteration starts (default 0).
   * @example
   * ```ts
   * for await (const delivery of client.deliveries.listAll('wh_a1b2c3d4', { sort: 'createdAt,asc' })) {
   *   console.log(delivery.createdAt, delivery.eventType, delivery.status);
   * }
   * ```
   */
  listAll(
    endpointId: string,
    query?: DeliveryListQuery,
    options?: RequestOptions,
  ): AsyncIterable<WebhookDelivery>;

  /**
   * One delivery with its attempts: `GET /v1/webhooks/{id}/deliveries/{deliveryId}`.
   *
   * @throws NovatradeApiError `not-found` (404).
   * @example
   * ```ts
   * const { data } = await client.deliveries.get('wh_a1b2c3d4', 'del_01J9ZKX3W5');
   * for (const attempt of data.attempts) console.log(attempt.httpStatus, attempt.responseBody);
   * ```
   */
  get(
    endpointId: string,
    deliveryId: string,
    options?: RequestOptions,
  ): Promise<ApiResponse<DeliveryDetail>>;

  /**
   * Sends a DELIVERED or FAILED delivery again as a new delivery (`replayOf` the original): `POST
   * …/deliveries/{deliveryId}/replay`, 202. Same event id, a fresh signature.
   *
   * @throws NovatradeApiError `invalid-state` (409): a PENDING delivery, or an endpoint that is
   *   not ACTIVE.
   * @example
   * ```ts
   * await client.deliveries.replay('wh_a1b2c3d4', 'del_01J9ZKX3W5');
   * ```
   */
  replay(
    endpointId: string,
    deliveryId: string,
    options?: WriteRequestOptions,
  ): Promise<ApiResponse<WebhookDelivery>>;

  /**
   * Replays every FAILED delivery created in `[since, until)` once: `POST
   * …/deliveries/recover`, 202 `{ replayed }`.
   *
   * @throws NovatradeApiError `invalid-state` (409) on an endpoint that is not ACTIVE.
   * @example
   * ```ts
   * await client.endpoints.resume(id);
   * const { data } = await client.deliveries.recover(id, { since: new Date(Date.now() - 86_400_000) });
   * ```
   */
  recover(
    endpointId: string,
    input: RecoverDeliveriesInput,
    options?: WriteRequestOptions,
  ): Promise<ApiResponse<RecoverResult>>;
}

/**
 * `client.events`: publishing over HTTP (`POST /v1/events`, an extension of this SDK's server).
 *
 * @example
 * ```ts
 * await client.events.publish({ type: 'compliance.decision_made', partnerUuid, data });
 * ```
 */
export interface WebhookEventsApi<D = EventDataMap> {
  /**
   * Publishes an event into the caller's organization: 202 with the stored event and the number
   * of deliveries it made. `type` narrows `data` by the catalog `D`.
   *
   * @throws NovatradeApiError `validation-error` (422): an unknown type, `data` that does not fit.
   * @example
   * ```ts
   * await client.events.publish({
   *   type: 'compliance.decision_made', partnerUuid,
   *   data: { orderUuid, decision: 'VALID_EXPORT' },
   * });
   * ```
   */
  publish<T extends ClientEventType<D>>(
    input: PublishEventInput<D, T>,
    options?: WriteRequestOptions,
  ): Promise<ApiResponse<PublishedEvent>>;
}

/**
 * A typed client of the Novatrade24 management API (docs/client.md). Built with
 * `createWebhooksClient`.
 *
 * @typeParam D - the event data types by type, for `events.publish` and `endpoints.test`
 *   (`EventDataMap`, the Novatrade24 catalog, by default; `UntypedEventDataMap` for any).
 *
 * @example
 * ```ts
 * async function failedDeliveries(client: WebhooksClient, endpointId: string) {
 *   return (await client.deliveries.list(endpointId, { status: 'FAILED' })).data.data;
 * }
 * ```
 */
export interface WebhooksClient<D = EventDataMap> {
  readonly endpoints: WebhookEndpointsApi<D>;
  readonly deliveries: WebhookDeliveriesApi;
  readonly events: WebhookEventsApi<D>;
}
