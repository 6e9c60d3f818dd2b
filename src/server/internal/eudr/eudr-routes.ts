// The EUDR webhook registration routes under `/api/v1/integration/webhook-events`
// (docs/design.md §6.10, docs/server-eudr.md). N'entropy documents only the register call; list,
// get, update and delete are this SDK's extension at the same path (docs/design.md §7, N-6),
// marked experimental in the document. Each route calls one `WebhookSender` method in the
// caller's organization and answers in N'entropy's shape: `active` stands for the endpoint's
// status (ACTIVE is `true`; PAUSED and DISABLED are `false`).

import { createRoute, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { UntypedEventDataMap } from '../../../core/catalog/event-catalog.js';
import { WebhookConflictError } from '../../../core/errors.js';
import type { EndpointView } from '../../../sender/endpoint-view.js';
import type { WebhookSender } from '../../../sender/webhook-sender.js';
import type { ApiEnv } from '../api-env.js';
import { type ApiKernel, fromRequest } from '../api-kernel.js';
import { commonHeaders, requestIdHeader, retryAfterHeader } from '../routes/route-responses.js';
import {
  createdEudrWebhookSchema,
  createEudrWebhookBodySchema,
  EUDR_DEFAULT_LIMIT,
  EUDR_FIRST_PAGE,
  eudrErrorSchema,
  eudrListQuerySchema,
  eudrWebhookIdParamSchema,
  eudrWebhookPageSchema,
  eudrWebhookSchema,
  eudrWriteHeadersSchema,
  updateEudrWebhookBodySchema,
} from './eudr-schemas.js';

/** The base path of the N'entropy integration API. */
export const EUDR_BASE_PATH = '/api/v1/integration';

/** The registration routes' path: also the rate-limit prefix of the `webhook` category. */
export const EUDR_WEBHOOKS_PATH = `${EUDR_BASE_PATH}/webhook-events`;

const TAG = 'Webhook events';
const EXPERIMENTAL =
  "Experimental: an extension of this SDK; N'entropy documents only the register call.";

const headerDoc = (description: string) =>
  ({ description, required: true, schema: { type: 'string' } }) as const;

const errorAnswer = <H extends object = typeof requestIdHeader>(
  description: string,
  headers: H = requestIdHeader as H,
) => ({
  description,
  headers,
  content: { 'application/json': { schema: eudrErrorSchema } },
});

const baseErrors = {
  401: errorAnswer('`AUTHENTICATION_REQUIRED` (no Authorization header) or `INVALID_TOKEN`.', {
    ...requestIdHeader,
    'WWW-Authenticate': headerDoc('The Bearer challenge (RFC 6750).'),
  }),
  429: errorAnswer('`RATE_LIMIT_EXCEEDED`.', {
    ...commonHeaders,
    ...retryAfterHeader,
  }),
  500: errorAnswer('`INTERNAL_ERROR`.'),
  503: errorAnswer('`SERVICE_UNAVAILABLE` (storage unavailable).', {
    ...requestIdHeader,
    ...retryAfterHeader,
  }),
} as const;

const lookupErrors = { ...baseErrors, 404: errorAnswer('`NOT_FOUND`.') } as const;

const writeErrors = {
  ...lookupErrors,
  400: errorAnswer(
    '`VALIDATION_ERROR` with `details[]`, or `BAD_REQUEST` (a body that is not JSON, a malformed Idempotency-Key).',
  ),
  409: errorAnswer('`IDEMPOTENCY_KEY_IN_FLIGHT`.'),
  413: errorAnswer('`PAYLOAD_TOO_LARGE`.'),
  415: errorAnswer('`UNSUPPORTED_MEDIA_TYPE`: send application/json.'),
  422: errorAnswer('`IDEMPOTENCY_KEY_REUSED`: the same key with another body.'),
} as const;

const jsonAnswer = <S extends z.ZodType>(description: string, schema: S) => ({
  description,
  headers: commonHeaders,
  content: { 'application/json': { schema } },
});

const createRouteConfig = createRoute({
  method: 'post',
  path: EUDR_WEBHOOKS_PATH,
  tags: [TAG],
  summary: 'Register a webhook endpoint',
  description:
    "N'entropy's documented call. The response includes the signing secret, shown only here.",
  request: {
    headers: eudrWriteHeadersSchema,
    body: {
      required: true,
      content: { 'application/json': { schema: createEudrWebhookBodySchema } },
    },
  },
  responses: {
    201: {
      ...jsonAnswer('Registered, with the one-time secret.', createdEudrWebhookSchema),
      headers: {
        ...commonHeaders,
        Location: { description: 'The new endpoint.', schema: { type: 'string' } },
      },
    },
    ...writeErrors,
  },
});

const listRouteConfig = createRoute({
  method: 'get',
  path: EUDR_WEBHOOKS_PATH,
  tags: [TAG],
  summary: 'List webhook endpoints (extension)',
  description: `${EXPERIMENTAL} The organization's endpoints, oldest first, without secrets; \`page\` counts from 1.`,
  request: { query: eudrListQuerySchema },
  responses: {
    200: jsonAnswer('OK', eudrWebhookPageSchema),
    400: errorAnswer('`VALIDATION_ERROR`: `page` or `limit` out of range.'),
    ...baseErrors,
  },
});

const getRouteConfig = createRoute({
  method: 'get',
  path: `${EUDR_WEBHOOKS_PATH}/{id}`,
  tags: [TAG],
  summary: 'Get a webhook endpoint (extension)',
  description: `${EXPERIMENTAL} Without its secret.`,
  request: { params: eudrWebhookIdParamSchema },
  responses: { 200: jsonAnswer('OK', eudrWebhookSchema), ...lookupErrors },
});

const updateRouteConfig = createRoute({
  method: 'patch',
  path: `${EUDR_WEBHOOKS_PATH}/{id}`,
  tags: [TAG],
  summary: 'Update a webhook endpoint (extension)',
  description: `${EXPERIMENTAL} Supplied fields replace whole values. \`active: true\` re-enables an endpoint disabled after 10 consecutive failures (or by \`active: false\`).`,
  request: {
    params: eudrWebhookIdParamSchema,
    headers: eudrWriteHeadersSchema,
    body: {
      required: true,
      content: { 'application/json': { schema: updateEudrWebhookBodySchema } },
    },
  },
  responses: { 200: jsonAnswer('Updated', eudrWebhookSchema), ...writeErrors },
});

const deleteRouteConfig = createRoute({
  method: 'delete',
  path: `${EUDR_WEBHOOKS_PATH}/{id}`,
  tags: [TAG],
  summary: 'Delete a webhook endpoint (extension)',
  description: `${EXPERIMENTAL} Its pending deliveries stop.`,
  request: { params: eudrWebhookIdParamSchema, headers: eudrWriteHeadersSchema },
  responses: { 204: { description: 'Deleted', headers: commonHeaders }, ...writeErrors },
});

type Sender = WebhookSender<UntypedEventDataMap>;

/** An endpoint as this API shows it: N'entropy's fields, `active` for its status. */
export type EudrWebhook = z.infer<typeof eudrWebhookSchema>;

/**
 * The EUDR view of an endpoint: `active` is `true` for ACTIVE and `false` for PAUSED and DISABLED.
 *
 * @param endpoint - the sender's view.
 * @example
 * ```ts
 * toEudrWebhook(await sender.getEndpoint(org, id)); // { id, url, events, active, createdAt }
 * ```
 */
export function toEudrWebhook(endpoint: EndpointView): EudrWebhook {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: [...endpoint.events],
    active: endpoint.status === 'ACTIVE',
    createdAt: endpoint.createdAt,
  };
}

const orgOf = (c: Context<ApiEnv>): string => c.get('principal').organizationUuid;

// `c.req.valid` is typed per route by Hono; the kernel hands routes an untyped context, so each
// handler reads what its route's validators produced.
const valid = <T>(c: Context<ApiEnv>, target: 'json' | 'query' | 'param'): T =>
  (c.req as unknown as { valid(target: string): T }).valid(target);

const notFoundError = (): WebhookConflictError =>
  new WebhookConflictError('not_found', 'No such endpoint in this organization.');

/** A stored JSON answer of a write. */
function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): { status: number; headers: Record<string, string>; body: string } {
  return {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * Registers the `/api/v1/integration/webhook-events` routes on `kernel`.
 *
 * @param kernel - the API under construction (with an optional Idempotency-Key).
 * @param sender - the sender every route calls; it uses `EUDR_PROFILE`.
 */
export function registerEudrWebhookRoutes(kernel: ApiKernel, sender: Sender): void {
  kernel.openapi(createRouteConfig, (c) =>
    kernel.idempotent(c, async () => {
      const input = valid<z.infer<typeof createEudrWebhookBodySchema>>(c, 'json');
      const { endpoint, secret } = await fromRequest(() =>
        sender.createEndpoint(orgOf(c), { url: input.url, events: input.events }),
      );
      // N'entropy's field order: the secret before `createdAt`.
      const { createdAt, ...fields } = toEudrWebhook(endpoint);
      return json(
        201,
        { ...fields, secret, createdAt },
        { Location: `${EUDR_WEBHOOKS_PATH}/${encodeURIComponent(endpoint.id)}` },
      );
    }),
  );

  kernel.openapi(listRouteConfig, async (c) => {
    const query = valid<z.infer<typeof eudrListQuerySchema>>(c, 'query');
    const page = query.page ?? EUDR_FIRST_PAGE;
    const limit = query.limit ?? EUDR_DEFAULT_LIMIT;
    const endpoints = await sender.listEndpoints(orgOf(c));
    const start = (page - 1) * limit;
    return kernel.json(200, {
      entities: endpoints.slice(start, start + limit).map(toEudrWebhook),
      total: endpoints.length,
      page,
      limit,
    });
  });

  kernel.openapi(getRouteConfig, async (c) => {
    const { id } = valid<{ id: string }>(c, 'param');
    const endpoint = await sender.getEndpoint(orgOf(c), id);
    if (endpoint === null) throw notFoundError();
    return kernel.json(200, toEudrWebhook(endpoint));
  });

  kernel.openapi(updateRouteConfig, (c) =>
    kernel.idempotent(c, async () => {
      const { id } = valid<{ id: string }>(c, 'param');
      const patch = valid<z.infer<typeof updateEudrWebhookBodySchema>>(c, 'json');
      // `active: false` disables (DISABLED, as the EUDR health policy does); `active: true`
      // resumes a PAUSED or DISABLED endpoint with a fresh failure streak. The sender leaves an
      // endpoint already in the asked status as it is.
      const endpoint = await fromRequest(() =>
        sender.updateEndpoint(orgOf(c), id, {
          ...(patch.url === undefined ? {} : { url: patch.url }),
          ...(patch.events === undefined ? {} : { events: patch.events }),
          ...(patch.active === undefined
            ? {}
            : { status: patch.active ? ('ACTIVE' as const) : ('DISABLED' as const) }),
        }),
      );
      return json(200, toEudrWebhook(endpoint));
    }),
  );

  kernel.openapi(deleteRouteConfig, (c) =>
    kernel.idempotent(c, async () => {
      const { id } = valid<{ id: string }>(c, 'param');
      if (!(await sender.deleteEndpoint(orgOf(c), id))) throw notFoundError();
      return { status: 204, body: '' };
    }),
  );
}
