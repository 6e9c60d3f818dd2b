// Delivery history: the WebhookDelivery resource, its attempts, the history query and page
// (docs/design.md §5.11), and the bodies of test fire and recover (§5.8, §5.9).

import { z } from '@hono/zod-openapi';
import { instantSchema, timestampSchema, uuidSchema } from './shared-schemas.js';

const failureReasonSchema = z.string().nullable().openapi({
  description:
    'HTTP_ERROR, TIMEOUT, NETWORK_ERROR, BLOCKED_DESTINATION, INVALID_RESPONSE, INTERNAL_ERROR, ENDPOINT_PAUSED, ENDPOINT_DISABLED, ENDPOINT_DELETED, SCHEMA_VERSION_UNSUPPORTED; more may be added.',
  example: 'HTTP_ERROR',
});

const deliveryStatusSchema = z.enum(['PENDING', 'DELIVERED', 'FAILED']);

/** A WebhookDelivery: one event to one endpoint, with its latest outcome. */
export const webhookDeliverySchema = z
  .object({
    id: z.string().openapi({ example: 'del_01J9ZKX3W5' }),
    endpointId: z.string().openapi({ example: 'wh_a1b2c3d4' }),
    eventId: z.string().openapi({ example: 'evt_a1b2c3d4' }),
    eventType: z.string().openapi({ example: 'compliance.status_changed' }),
    schemaVersion: z.number().int(),
    status: deliveryStatusSchema,
    httpStatus: z.number().int().nullable().openapi({ example: 503 }),
    attempts: z.number().int().min(0).openapi({ example: 10 }),
    lastAttemptAt: timestampSchema.nullable(),
    nextRetryAt: timestampSchema.nullable(),
    createdAt: timestampSchema,
    lastFailureReason: failureReasonSchema,
    failureReason: failureReasonSchema,
    test: z.boolean().openapi({ description: 'A test fire (POST /v1/webhooks/{id}/test).' }),
    replayOf: z.string().nullable().openapi({ description: 'The replayed delivery, if any.' }),
  })
  .openapi('WebhookDelivery');

/** One HTTP attempt of a delivery. */
export const deliveryAttemptSchema = z
  .object({
    attempt: z.number().int().min(1),
    startedAt: timestampSchema,
    durationMs: z.number().min(0),
    httpStatus: z.number().int().nullable(),
    failureReason: failureReasonSchema,
    responseBody: z.string().openapi({ description: "The receiver's response, up to 4 KiB." }),
  })
  .openapi('DeliveryAttempt');

/** `GET …/deliveries/{deliveryId}` (extension): the delivery and its attempts. */
export const deliveryWithAttemptsSchema = z
  .object({ delivery: webhookDeliverySchema, attempts: z.array(deliveryAttemptSchema) })
  .openapi('WebhookDeliveryDetail');

// A query value is a string: an integer parameter is digits only (no sign, no exponent, no
// spaces, no hex), turned into a number before the range check.
function integerQuery(name: string, min: number, max: number, fallback: number) {
  return z
    .preprocess(
      (value) => (typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value),
      z.number().int().min(min).max(max),
    )
    .optional()
    .openapi({
      param: { name, in: 'query' },
      type: 'integer',
      minimum: min,
      maximum: max,
      default: fallback,
    });
}

/** The history query (docs/design.md §5.11). */
export const historyQuerySchema = z.object({
  status: deliveryStatusSchema
    .optional()
    .openapi({ param: { name: 'status', in: 'query' }, example: 'FAILED' }),
  since: instantSchema.optional().openapi({
    param: { name: 'since', in: 'query' },
    description: 'Only deliveries created after this time (exclusive).',
  }),
  page: integerQuery('page', 0, 100_000_000, 0).openapi({
    description: 'Zero-based page number.',
  }),
  size: integerQuery('size', 1, 100, 20),
  sort: z
    .string()
    .regex(/^(createdAt|lastAttemptAt)(,(asc|desc))?$/)
    .optional()
    .openapi({
      param: { name: 'sort', in: 'query' },
      description: '`createdAt` or `lastAttemptAt`, then `,asc` or `,desc`.',
      default: 'createdAt,desc',
    }),
});

/** One page of history. */
export const deliveryPageSchema = z
  .object({
    data: z.array(webhookDeliverySchema),
    pagination: z
      .object({
        page: z.number().int().min(0),
        size: z.number().int().min(1),
        totalElements: z.number().int().min(0),
        totalPages: z.number().int().min(0),
        hasNext: z.boolean(),
        hasPrevious: z.boolean(),
      })
      .openapi('Pagination'),
  })
  .openapi('WebhookDeliveryPage');

/**
 * `POST /v1/webhooks/{id}/test`. `data` is forwarded verbatim as the envelope's `data`, after
 * the sender checks it against the event type's schema.
 */
export const testFireBodySchema = z
  .strictObject({
    eventType: z.string().min(1).max(200).openapi({ example: 'compliance.status_changed' }),
    data: z.record(z.string(), z.unknown()).openapi({
      description: 'The event data, forwarded verbatim (use recognisably synthetic UUIDs).',
    }),
    partnerUuid: uuidSchema.optional().openapi({
      description: 'The envelope partner; default the all-zero UUID.',
    }),
  })
  .openapi('TestFire');

/** `POST /v1/webhooks/{id}/deliveries/recover` (extension): replay FAILED deliveries in a range. */
export const recoverBodySchema = z
  .strictObject({
    since: instantSchema.openapi({ description: 'Inclusive start of the creation range.' }),
    until: instantSchema.optional().openapi({ description: 'Exclusive end; default now.' }),
  })
  .openapi('RecoverDeliveries');

/** The recover response. */
export const recoveredSchema = z
  .object({ replayed: z.number().int().min(0) })
  .openapi('RecoveredDeliveries');
