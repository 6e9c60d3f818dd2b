// The N'entropy EUDR registration routes (docs/server-eudr.md) on an `HttpCore`, paths relative
// to the integration API's base URL (`…/api/v1/integration`). Errors come back in N'entropy's
// shape, so every call says `errorFormat: 'eudr'`.

import type { ApiResponse } from '../api-response.js';
import type { EudrWebhooksClient } from '../eudr-webhooks-client.js';
import type { HttpCall, HttpCore } from './http-call.js';
import { pathSegment } from './path-segment.js';
import { readFields, writeFields } from './request-values.js';

const WEBHOOK_EVENTS = '/webhook-events';

/**
 * The EUDR client over `core`.
 *
 * @param core - sends the calls (`createHttpCore`, or a fake in tests).
 */
export function bindEudrWebhooksClient(core: HttpCore): EudrWebhooksClient {
  const send = <T>(call: Omit<HttpCall, 'errorFormat'>): Promise<ApiResponse<T>> =>
    core.request<T>({ ...call, errorFormat: 'eudr' });
  const one = (id: unknown, method: string): string =>
    `${WEBHOOK_EVENTS}/${pathSegment(id, { name: 'id', method })}`;

  return {
    register: async (input, options) =>
      send({ method: 'POST', path: WEBHOOK_EVENTS, body: input, ...writeFields(options) }),
    list: async (query, options) =>
      send({
        method: 'GET',
        path: WEBHOOK_EVENTS,
        query: { page: query?.page, limit: query?.limit },
        ...readFields(options),
      }),
    get: async (id, options) =>
      send({ method: 'GET', path: one(id, 'eudr.get'), ...readFields(options) }),
    update: async (id, patch, options) =>
      send({ method: 'PATCH', path: one(id, 'eudr.update'), body: patch, ...writeFields(options) }),
    delete: async (id, options) =>
      send({ method: 'DELETE', path: one(id, 'eudr.delete'), ...writeFields(options) }),
  };
}
