// Schemas shared by the management API's routes: identifiers, timestamps, path parameters and the
// headers every write needs. One set of zod schemas gives the routes their validation and the
// OpenAPI 3.1 document its components (docs/server.md), so the two cannot drift apart.

import { z } from '@hono/zod-openapi';

/**
 * A UUID as the Novatrade24 API writes them: any 8-4-4-4-12 hex string. zod's `guid()`, not
 * `uuid()`: the spec's own example partner id `11111111-2222-3333-4444-555555555555` is no RFC
 * 9562 variant, and its requests must work verbatim (docs/design.md §5.35).
 */
export const uuidSchema = z.guid().openapi({
  description: 'A UUID (any 8-4-4-4-12 hexadecimal string).',
  example: '11111111-2222-3333-4444-555555555555',
});

/** An RFC 3339 timestamp in UTC, as every response writes them. */
export const timestampSchema = z.iso
  .datetime({ offset: true })
  .openapi({ example: '2026-04-22T10:00:00.000Z' });

/**
 * A timestamp a request sends (`since`, `until`): RFC 3339 with an offset, seconds optional, at
 * most nanosecond precision (more digits name no instant the sender can store: 422, not 500).
 */
export const instantSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/)
  .refine((value) => Number.isFinite(Date.parse(value)))
  .openapi({ format: 'date-time', example: '2026-04-22T10:00:00Z' });

/** Ids of this API: letters, digits, `_` and `-`, at most 128 characters (`wh_…`, `del_…`). */
export const RESOURCE_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** The `{id}` path parameter: an endpoint id. Anything else names no endpoint (404). */
export const endpointIdParamSchema = z.object({
  id: z
    .string()
    .regex(RESOURCE_ID_PATTERN)
    .openapi({
      param: { name: 'id', in: 'path' },
      description: 'The endpoint id.',
      example: 'wh_a1b2c3d4',
    }),
});

/** The `{id}` and `{deliveryId}` path parameters. */
export const deliveryParamsSchema = endpointIdParamSchema.extend({
  deliveryId: z
    .string()
    .regex(RESOURCE_ID_PATTERN)
    .openapi({
      param: { name: 'deliveryId', in: 'path' },
      description: 'The delivery id.',
      example: 'del_01J9ZKX3W5',
    }),
});

/** `Idempotency-Key`: required on every write, 1 to 255 characters (docs/design.md §5.10). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** The headers of a write: the Idempotency-Key, documented on every POST, PATCH and DELETE. */
export const writeHeadersSchema = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(MAX_IDEMPOTENCY_KEY_LENGTH)
    .openapi({
      param: { name: 'idempotency-key', in: 'header', required: true },
      description:
        'Required on every write, 1 to 255 characters (a UUID is recommended). The same key and body within 24 h return the stored response.',
      example: '5f0c8d4e-2b1a-4c3d-9e8f-7a6b5c4d3e2f',
    }),
});
