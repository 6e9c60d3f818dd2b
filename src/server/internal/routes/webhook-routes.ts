// The `/v1/webhooks` routes (docs/design.md §6.4) with this SDK's extensions, each calling one
// `WebhookSender` method in the caller's organization. Status codes: 201 create (with the
// one-time secret), 200 list (a bare array) / get / patch, 204 delete, 202 test fire and replay,
// 200 history.

import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { UntypedEventDataMap } from '../../../core/catalog/event-catalog.js';
import { WebhookConflictError } from '../../../core/errors.js';
import type { WebhookSender } from '../../../sender/webhook-sender.js';
import type { ApiEnv } from '../api-env.js';
import { type ApiKernel, fromRequest } from '../api-kernel.js';
import {
  deliveryPageSchema,
  deliveryWithAttemptsSchema,
  historyQuerySchema,
  recoverBodySchema,
  recoveredSchema,
  testFireBodySchema,
  webhookDeliverySchema,
} from '../schemas/delivery-schemas.js';
import {
  createdWebhookEndpointSchema,
  createWebhookEndpointBodySchema,
  rotatedSecretSchema,
  rotateSecretBodySchema,
  updateWebhookEndpointBodySchema,
  webhookEndpointSchema,
} from '../schemas/endpoint-schemas.js';
import {
  deliveryParamsSchema,
  endpointIdParamSchema,
  writeHeadersSchema,
} from '../schemas/shared-schemas.js';
import {
  baseErrors,
  commonHeaders,
  jsonAnswer,
  lookupErrors,
  writeErrors,
} from './route-responses.js';

const TAG = 'Webhook endpoints';
const HISTORY_TAG = 'Deliveries';

const jsonBody = <S extends z.ZodType>(schema: S, required = true) => ({
  body: { required, content: { 'application/json': { schema } } },
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/webhooks',
  tags: [TAG],
  summary: 'List endpoints',
  description: 'Every endpoint of the organization, oldest first, as a bare array without secrets.',
  responses: { 200: jsonAnswer('OK', z.array(webhookEndpointSchema)), ...baseErrors },
});

const createEndpointRoute = createRoute({
  method: 'post',
  path: '/v1/webhooks',
  tags: [TAG],
  summary: 'Register an endpoint',
  description: 'Registered. The secret is shown once, in this response.',
  request: { headers: writeHeadersSchema, ...jsonBody(createWebhookEndpointBodySchema) },
  responses: {
    201: {
      ...jsonAnswer(
        'Registered. Secret is shown once in the response.',
        createdWebhookEndpointSchema,
      ),
      headers: {
        ...commonHeaders,
        Location: { description: 'The new endpoint.', schema: { type: 'string' } },
      },
    },
    ...writeErrors,
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/v1/webhooks/{id}',
  tags: [TAG],
  summary: 'Get one endpoint',
  request: { params: endpointIdParamSchema },
  responses: { 200: jsonAnswer('OK', webhookEndpointSchema), ...lookupErrors },
});

const updateRoute = createRoute({
  method: 'patch',
  path: '/v1/webhooks/{id}',
  tags: [TAG],
  summary: 'Update an endpoint',
  description:
    'A JSON merge patch: supplied fields replace whole values, `partnerIds: null` clears the filter. `{"status":"ACTIVE"}` resumes a paused endpoint and replays nothing by itself.',
  request: {
    params: endpointIdParamSchema,
    headers: writeHeadersSchema,
    body: {
      required: true,
      content: {
        'application/json': { schema: updateWebhookEndpointBodySchema },
        'application/merge-patch+json': { schema: updateWebhookEndpointBodySchema },
      },
    },
  },
  responses: { 200: jsonAnswer('Updated', webhookEndpointSchema), ...writeErrors },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/v1/webhooks/{id}',
  tags: [TAG],
  summary: 'Delete an endpoint',
  description: 'Its pending deliveries stop (FAILED `ENDPOINT_DELETED`).',
  request: { params: endpointIdParamSchema, headers: writeHeadersSchema },
  responses: { 204: { description: 'Deleted', headers: commonHeaders }, ...writeErrors },
});

const testRoute = createRoute({
  method: 'post',
  path: '/v1/webhooks/{id}/test',
  tags: [TAG],
  summary: 'Fire a synthetic test event',
  description:
    'Delivered to this endpoint regardless of its subscription filters and of PAUSED status (a DISABLED endpoint is 409): one attempt, no retries, not counted for health, `test: true` in history.',
  request: {
    params: endpointIdParamSchema,
    headers: writeHeadersSchema,
    ...jsonBody(testFireBodySchema),
  },
  responses: { 202: jsonAnswer('Test fire queued.', webhookDeliverySchema), ...writeErrors },
});

const rotateRoute = createRoute({
  method: 'post',
  path: '/v1/webhooks/{id}/rotate-secret',
  tags: [TAG],
  summary: 'Rotate the signing secret (extension)',
  description:
    'A new secret signs from now on; the current ones keep signing for `overlapMs`. The new secret is shown once, here.',
  request: {
    params: endpointIdParamSchema,
    headers: writeHeadersSchema,
    ...jsonBody(rotateSecretBodySchema, false),
  },
  responses: { 200: jsonAnswer('Rotated', rotatedSecretSchema), ...writeErrors },
});

const historyRoute = createRoute({
  method: 'get',
  path: '/v1/webhooks/{id}/deliveries',
  tags: [HISTORY_TAG],
  summary: 'Delivery history',
  description: 'Deliveries of the last 30 days, newest first by default.',
  request: { params: endpointIdParamSchema, query: historyQuerySchema },
  responses: {
    200: jsonAnswer('OK', deliveryPageSchema),
    422: {
      description: 'Bad query parameter (`validation-error`).',
      content: writeErrors[422].content,
    },
    ...lookupErrors,
  },
});

const deliveryRoute = createRoute({
  method: 'get',
  path: '/v1/webhooks/{id}/deliveries/{deliveryId}',
  tags: [HISTORY_TAG],
  summary: 'One delivery with its attempts (extension)',
  request: { params: deliveryParamsSchema },
  responses: { 200: jsonAnswer('OK', deliveryWithAttemptsSchema), ...lookupErrors },
});

const replayRoute = createRoute({
  method: 'post',
  path: '/v1/webhooks/{id}/deliveries/{deliveryId}/replay',
  tags: [HISTORY_TAG],
  summary: 'Replay a delivery',
  description:
    'Sends the original event again (same event id, a fresh signature) as a new delivery. Allowed for DELIVERED or FAILED deliveries inside retention, on an ACTIVE endpoint (else 409). No body.',
  request: { params: deliveryParamsSchema, headers: writeHeadersSchema },
  responses: { 202: jsonAnswer('Replay queued.', webhookDeliverySchema), ...writeErrors },
});

const recoverRoute = createRoute({
  method: 'post',
  path: '/v1/webhooks/{id}/deliveries/recover',
  tags: [HISTORY_TAG],
  summary: 'Replay every FAILED delivery in a range (extension)',
  request: {
    params: endpointIdParamSchema,
    headers: writeHeadersSchema,
    ...jsonBody(recoverBodySchema),
  },
  responses: { 202: jsonAnswer('Replays queued.', recoveredSchema), ...writeErrors },
});

type Sender = WebhookSender<UntypedEventDataMap>;

const orgOf = (c: Context<ApiEnv>): string => c.get('principal').organizationUuid;

const notFound = (kernel: ApiKernel, c: Context<ApiEnv>): Response =>
  kernel.problem(c, { type: 'not-found', detail: 'No such resource in this organization.' });

// `c.req.valid` is typed per route by Hono; the kernel hands routes an untyped context, so each
// handler reads what its route's validators produced.
const valid = <T>(c: Context<ApiEnv>, target: 'json' | 'query' | 'param'): T =>
  (c.req as unknown as { valid(target: string): T }).valid(target);

/**
 * Registers the `/v1/webhooks` routes on `kernel`.
 *
 * @param kernel - the API under construction.
 * @param sender - the sender every route calls.
 */
export function registerWebhookRoutes(kernel: ApiKernel, sender: Sender): void {
  kernel.openapi(listRoute, async (c) => kernel.json(200, await sender.listEndpoints(orgOf(c))));

  kernel.openapi(createEndpointRoute, (c) =>
    kernel.idempotent(c, async () => {
      const input = valid<z.infer<typeof createWebhookEndpointBodySchema>>(c, 'json');
      const { endpoint, secret } = await fromRequest(() => sender.createEndpoint(orgOf(c), input));
      return {
        status: 201,
        headers: {
          'Content-Type': 'application/json',
          Location: `/v1/webhooks/${encodeURIComponent(endpoint.id)}`,
        },
        body: JSON.stringify({ ...endpoint, secret }),
      };
    }),
  );

  kernel.openapi(getRoute, async (c) => {
    const { id } = valid<{ id: string }>(c, 'param');
    const endpoint = await sender.getEndpoint(orgOf(c), id);
    return endpoint === null ? notFound(kernel, c) : kernel.json(200, endpoint);
  });

  kernel.openapi(updateRoute, (c) =>
    kernel.idempotent(c, async () => {
      const { id } = valid<{ id: string }>(c, 'param');
      const patch = valid<z.infer<typeof updateWebhookEndpointBodySchema>>(c, 'json');
      const endpoint = await fromRequest(() => sender.updateEndpoint(orgOf(c), id, patch));
      return json(200, endpoint);
    }),
  );

  kernel.openapi(deleteRoute, (c) =>
    kernel.idempotent(c, async () => {
      const { id } = valid<{ id: string }>(c, 'param');
      const existed = await sender.deleteEndpoint(orgOf(c), id);
      if (!existed) throw notFoundError();
      return { status: 204, body: '' };
    }),
  );

  kernel.openapi(testRoute, (c) =>
    kernel.idempotent(c, async () => {
      const { id } = valid<{ id: string }>(c, 'param');
      const input = valid<z.infer<typeof testFireBodySchema>>(c, 'json');
      const delivery = await fromRequest(() => sender.testEndpoint(orgOf(c), id, input));
      return json(202, delivery);
    }),
  );

  kernel.openapi(rotateRoute, (c) =>
    kernel.idempotent(c, async () => {
      const { id } = valid<{ id: string }>(c, 'param');
      const options = valid<z.infer<typeof rotateSecretBodySchema> | undefined>(c, 'json') ?? {};
      const rotated = await fromRequest(() => sender.rotateSecret(orgOf(c), id, options));
      return json(200, rotated);
    }),
  );

  kernel.openapi(historyRoute, async (c) => {
    const { id } = valid<{ id: string }>(c, 'param');
    const query = valid<z.infer<typeof historyQuerySchema>>(c, 'query');
    const page = await fromRequest(
      () => sender.listDeliveries(orgOf(c), id, withoutUndefined(query)),
      { optionsFromRequest: true },
    );
    return kernel.json(200, page);
  });

  kernel.openapi(deliveryRoute, async (c) => {
    const { id, deliveryId } = valid<{ id: string; deliveryId: string }>(c, 'param');
    const found = await sender.getDelivery(orgOf(c), id, deliveryId);
    return found === null ? notFound(kernel, c) : kernel.json(200, found);
  });

  kernel.openapi(replayRoute, (c) =>
    kernel.idempotent(c, async () => {
      const { id, deliveryId } = valid<{ id: string; deliveryId: string }>(c, 'param');
      return json(202, await sender.replayDelivery(orgOf(c), id, deliveryId));
    }),
  );

  kernel.openapi(recoverRoute, (c) =>
    kernel.idempotent(c, async () => {
      const { id } = valid<{ id: string }>(c, 'param');
      const range = valid<z.infer<typeof recoverBodySchema>>(c, 'json');
      const recovered = await fromRequest(
        () => sender.recoverDeliveries(orgOf(c), id, withoutUndefined(range)),
        { optionsFromRequest: true },
      );
      return json(202, recovered);
    }),
  );
}

/** A stored JSON answer of a write. */
function json(
  status: number,
  body: unknown,
): { status: number; headers: Record<string, string>; body: string } {
  return { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}

function notFoundError(): WebhookConflictError {
  return new WebhookConflictError('not_found', 'No such endpoint in this organization.');
}

// zod leaves absent optional fields out, but `exactOptionalPropertyTypes` wants them gone.
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
