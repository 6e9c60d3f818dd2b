// The Novatrade24 management API's routes (docs/server.md) on an `HttpCore`: each method builds
// one `HttpCall` (method, path with its ids percent-encoded, query, body, per-call options) and
// hands it over; the core adds the token, the Idempotency-Key, retries and typed errors
// (docs/design.md §5.36). Responses are passed through unvalidated (docs/design.md §5.37).

import type { EventDataMap } from '../../core/catalog/event-data.js';
import type { ApiResponse } from '../api-response.js';
import type { DeliveryListQuery, UpdateWebhookEndpointInput } from '../input-types.js';
import type { RequestOptions, WriteRequestOptions } from '../request-options.js';
import type { DeliveryPage, WebhookDelivery, WebhookEndpoint } from '../resource-types.js';
import type {
  WebhookDeliveriesApi,
  WebhookEndpointsApi,
  WebhookEventsApi,
  WebhooksClient,
} from '../webhooks-client.js';
import type { HttpCall, HttpCore } from './http-call.js';
import { pathSegment } from './path-segment.js';
import { instant, readFields, writeFields } from './request-values.js';

const WEBHOOKS = '/v1/webhooks';

/** A merge patch of one endpoint: the patch, the caller's options, the public method's name. */
interface UpdateCall {
  readonly patch: UpdateWebhookEndpointInput;
  readonly options: WriteRequestOptions | undefined;
  readonly method: string;
}

/** One page of a delivery history: the query, the caller's options, the public method's name. */
interface ListCall {
  readonly query: DeliveryListQuery | undefined;
  readonly options: RequestOptions | undefined;
  readonly method: string;
}

/**
 * The client's namespaces over `core`.
 *
 * @param core - sends the calls (`createHttpCore`, or a fake in tests).
 */
export function bindWebhooksClient<D = EventDataMap>(core: HttpCore): WebhooksClient<D> {
  const send = <T>(call: Omit<HttpCall, 'errorFormat'>): Promise<ApiResponse<T>> =>
    core.request<T>({ ...call, errorFormat: 'problem' });

  const endpointPath = (id: unknown, method: string): string =>
    `${WEBHOOKS}/${pathSegment(id, { name: 'id', method })}`;

  const update = async (
    id: string,
    { patch, options, method }: UpdateCall,
  ): Promise<ApiResponse<WebhookEndpoint>> =>
    send({
      method: 'PATCH',
      path: endpointPath(id, method),
      body: patch,
      // The route takes both; merge-patch says what the body means (RFC 7396).
      contentType: 'application/merge-patch+json',
      ...writeFields(options),
    });

  const endpoints: WebhookEndpointsApi<D> = {
    create: async (input, options) =>
      send({ method: 'POST', path: WEBHOOKS, body: input, ...writeFields(options) }),
    list: async (options) => send({ method: 'GET', path: WEBHOOKS, ...readFields(options) }),
    get: async (id, options) =>
      send({ method: 'GET', path: endpointPath(id, 'endpoints.get'), ...readFields(options) }),
    update: (id, patch, options) => update(id, { patch, options, method: 'endpoints.update' }),
    pause: (id, options) =>
      update(id, { patch: { status: 'PAUSED' }, options, method: 'endpoints.pause' }),
    resume: (id, options) =>
      update(id, { patch: { status: 'ACTIVE' }, options, method: 'endpoints.resume' }),
    delete: async (id, options) =>
      send({
        method: 'DELETE',
        path: endpointPath(id, 'endpoints.delete'),
        ...writeFields(options),
      }),
    test: async (id, input, options) =>
      send({
        method: 'POST',
        path: `${endpointPath(id, 'endpoints.test')}/test`,
        body: input,
        ...writeFields(options),
      }),
    rotateSecret: async (id, input, options) =>
      send({
        method: 'POST',
        path: `${endpointPath(id, 'endpoints.rotateSecret')}/rotate-secret`,
        body: input ?? {},
        ...writeFields(options),
      }),
  };

  const deliveriesPath = (endpointId: unknown, method: string): string =>
    `${WEBHOOKS}/${pathSegment(endpointId, { name: 'endpointId', method })}/deliveries`;

  const list = async (
    endpointId: string,
    { query, options, method }: ListCall,
  ): Promise<ApiResponse<DeliveryPage>> =>
    send({
      method: 'GET',
      path: deliveriesPath(endpointId, method),
      // Named fields only: the query's keys are the API's parameters, nothing else is sent.
      query: {
        status: query?.status,
        since: instant(query?.since, { name: 'since', method }),
        page: query?.page,
        size: query?.size,
        sort: query?.sort,
      },
      ...readFields(options),
    });

  const deliveries: WebhookDeliveriesApi = {
    list: (endpointId, query, options) =>
      list(endpointId, { query, options, method: 'deliveries.list' }),
    listAll: (endpointId, query, options) => ({
      [Symbol.asyncIterator]: () =>
        allDeliveries(
          (page) =>
            list(endpointId, {
              query: { ...query, page },
              options,
              method: 'deliveries.listAll',
            }),
          { firstPage: query?.page ?? 0, signal: options?.signal },
        ),
    }),
    get: async (endpointId, deliveryId, options) =>
      send({
        method: 'GET',
        path: `${deliveriesPath(endpointId, 'deliveries.get')}/${pathSegment(deliveryId, { name: 'deliveryId', method: 'deliveries.get' })}`,
        ...readFields(options),
      }),
    replay: async (endpointId, deliveryId, options) =>
      send({
        method: 'POST',
        path: `${deliveriesPath(endpointId, 'deliveries.replay')}/${pathSegment(deliveryId, { name: 'deliveryId', method: 'deliveries.replay' })}/replay`,
        ...writeFields(options),
      }),
    recover: async (endpointId, input, options) =>
      send({
        method: 'POST',
        path: `${deliveriesPath(endpointId, 'deliveries.recover')}/recover`,
        body: recoverBody(input),
        ...writeFields(options),
      }),
  };

  const events: WebhookEventsApi<D> = {
    publish: async (input, options) =>
      send({ method: 'POST', path: '/v1/events', body: input, ...writeFields(options) }),
  };

  return { endpoints, deliveries, events };
}

/** The recover body with its `Date`s as strings; other fields go as given (the server refuses them). */
function recoverBody(input: Parameters<WebhookDeliveriesApi['recover']>[1]): unknown {
  if (typeof input !== 'object' || input === null) return input;
  const { since, until, ...rest } = input;
  return {
    ...rest,
    since: instant(since, { name: 'since', method: 'deliveries.recover' }),
    ...(until === undefined
      ? {}
      : { until: instant(until, { name: 'until', method: 'deliveries.recover' }) }),
  };
}

/**
 * Every delivery of the pages from `firstPage` on: one request per page, made when the previous
 * page is used up; stops after a page without `hasNext` (or an empty one, so a server that keeps
 * saying `hasNext` cannot loop it forever). The signal is checked before each item and each page.
 */
async function* allDeliveries(
  fetchPage: (page: number) => Promise<ApiResponse<DeliveryPage>>,
  { firstPage, signal }: { readonly firstPage: number; readonly signal: AbortSignal | undefined },
): AsyncGenerator<WebhookDelivery, void, undefined> {
  for (let page = firstPage; ; page += 1) {
    signal?.throwIfAborted();
    const { data } = await fetchPage(page);
    for (const delivery of data.data) {
      signal?.throwIfAborted();
      yield delivery;
    }
    if (!data.pagination.hasNext || data.data.length === 0) return;
  }
}
