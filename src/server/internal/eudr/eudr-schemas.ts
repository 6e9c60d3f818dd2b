// The zod schemas of the EUDR management API (docs/server-eudr.md): the webhook endpoint resource
// in N'entropy's shape (`{ id, url, events, active, createdAt }`, docs/design.md §6.10), the
// register and update bodies, the list query and page, and the `{ error, message, details? }`
// error. One set of schemas gives the routes their validation and the OpenAPI document its
// components. Bodies are strict: an unknown field is a 400 `VALIDATION_ERROR`, so a misspelt one
// is not silently ignored.

import { z } from '@hono/zod-openapi';
import { endpointIdParamSchema, timestampSchema } from '../schemas/shared-schemas.js';
import { EUDR_ERROR_CODES } from './eudr-error.js';

const MAX_URL_LENGTH = 2048;
const MAX_EVENTS = 100;

/** The first page of a list: pages count from 1 (N'entropy's list convention). */
export const EUDR_FIRST_PAGE = 1;

/** Endpoints per page unless `limit` is given. */
export const EUDR_DEFAULT_LIMIT = 50;

/** The most endpoints one page holds. */
export const EUDR_MAX_LIMIT = 100;

/** The highest `page` accepted (a larger one is a 400, not an empty page). */
export const EUDR_MAX_PAGE = 1_000_000;

/** `Idempotency-Key`: optional here, 1 to 255 characters when sent. */
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

const urlSchema = z.string().min(1).max(MAX_URL_LENGTH).openapi({
  format: 'uri',
  description: 'Where deliveries go: an `https:` URL.',
  example: 'https://your-server.com/webhooks/eudr',
});

const eventsSchema = z
  .array(z.string().min(1).max(200))
  .min(1)
  .max(MAX_EVENTS)
  .openapi({
    description:
      'EUDR event types (`supplier.created`, `sync.completed`, …) or a segment wildcard (`supplier.*`).',
    example: ['supplier.created', 'supplier.updated', 'sync.completed'],
  });

/** A webhook endpoint as every route but the register call returns it: never with a secret. */
export const eudrWebhookSchema = z
  .object({
    id: z.string().openapi({ example: 'wh_abc123' }),
    url: z.string().openapi({ example: 'https://your-server.com/webhooks/eudr' }),
    events: z
      .array(z.string())
      .openapi({ example: ['supplier.created', 'supplier.updated', 'sync.completed'] }),
    active: z.boolean().openapi({
      description:
        '`true` while deliveries go out. `false` after 10 consecutive failed attempts (disabled automatically) or a PATCH with `active: false`; a PATCH with `active: true` re-enables it.',
      example: true,
    }),
    createdAt: timestampSchema.openapi({ example: '2024-01-15T10:00:00.000Z' }),
  })
  .openapi('EudrWebhook');

/** The register response: the endpoint with its signing secret, shown only here. */
export const createdEudrWebhookSchema = eudrWebhookSchema
  .extend({
    secret: z.string().openapi({
      description: 'The signing secret of `X-Webhook-Signature`, shown only in this response.',
      example: 'whsec_...',
    }),
  })
  .openapi('CreatedEudrWebhook');

/** `POST /api/v1/integration/webhook-events`: both fields required, nothing else accepted. */
export const createEudrWebhookBodySchema = z
  .strictObject({ url: urlSchema, events: eventsSchema })
  .openapi('CreateEudrWebhook');

/** `PATCH /api/v1/integration/webhook-events/{id}` (extension): supplied fields replace values. */
export const updateEudrWebhookBodySchema = z
  .strictObject({
    url: urlSchema.optional(),
    events: eventsSchema.optional(),
    active: z.boolean().optional().openapi({
      description:
        '`true` re-enables a disabled endpoint (with a fresh failure count; nothing is replayed by itself); `false` disables it.',
    }),
  })
  .openapi('UpdateEudrWebhook');

// A query value is a string: an integer parameter is digits only (no sign, exponent, spaces or
// hex), turned into a number before the range check.
function integerQuery(name: string, max: number, fallback: number, description: string) {
  return z
    .preprocess(
      (value) => (typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value),
      z.number().int().min(1).max(max),
    )
    .optional()
    .openapi({
      param: { name, in: 'query' },
      type: 'integer',
      minimum: 1,
      maximum: max,
      default: fallback,
      description,
    });
}

/** The list query: one-based `page`, `limit` 1 to 100. */
export const eudrListQuerySchema = z.object({
  page: integerQuery('page', EUDR_MAX_PAGE, EUDR_FIRST_PAGE, 'The page, from 1.'),
  limit: integerQuery('limit', EUDR_MAX_LIMIT, EUDR_DEFAULT_LIMIT, 'Endpoints per page.'),
});

/** One page of endpoints, oldest first. */
export const eudrWebhookPageSchema = z
  .object({
    entities: z.array(eudrWebhookSchema),
    total: z.number().int().min(0).openapi({ description: 'Endpoints in all pages.' }),
    page: z.number().int().min(1).openapi({ example: 1 }),
    limit: z.number().int().min(1).openapi({ example: 50 }),
  })
  .openapi('EudrWebhookPage');

/** The `{id}` path parameter: an endpoint id, as on the Novatrade24 API (anything else is a 404). */
export const eudrWebhookIdParamSchema = endpointIdParamSchema;

/** The headers of a write: an optional Idempotency-Key. */
export const eudrWriteHeadersSchema = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(MAX_IDEMPOTENCY_KEY_LENGTH)
    .optional()
    .openapi({
      param: { name: 'idempotency-key', in: 'header', required: false },
      description:
        'Optional, 1 to 255 characters. The same key and body within 24 h return the stored response; another body is `IDEMPOTENCY_KEY_REUSED`. Without one, the write runs once.',
      example: '5f0c8d4e-2b1a-4c3d-9e8f-7a6b5c4d3e2f',
    }),
});

/** The body of every error answer. */
export const eudrErrorSchema = z
  .object({
    error: z.enum(EUDR_ERROR_CODES).openapi({ example: 'VALIDATION_ERROR' }),
    message: z.string().openapi({ example: 'The request has 1 invalid field; see details.' }),
    details: z
      .array(
        z.object({
          field: z.string().openapi({ example: 'events' }),
          message: z.string().openapi({ example: 'events is required.' }),
        }),
      )
      .optional()
      .openapi({ description: 'Present on `VALIDATION_ERROR` only.' }),
  })
  .openapi('EudrError', {
    description: "N'entropy's error shape. Branch on `error`; `message` is for people.",
  });
