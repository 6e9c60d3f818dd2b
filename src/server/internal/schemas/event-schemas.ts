// `POST /v1/events` (extension): publish an event into the sender, for hosts that emit events
// over HTTP (the CLI's `serve`). The organization is the caller's; the sender checks `type` and
// `data` against its catalog.

import { z } from '@hono/zod-openapi';
import { timestampSchema, uuidSchema } from './shared-schemas.js';

/** The body of `POST /v1/events`. */
export const publishEventBodySchema = z
  .strictObject({
    type: z.string().min(1).max(200).openapi({ example: 'compliance.decision_made' }),
    data: z.record(z.string(), z.unknown()),
    partnerUuid: uuidSchema.nullable().optional().openapi({
      description: 'The partner the event concerns: required for partner events, null otherwise.',
    }),
    source: z.enum(['API', 'WEB_APP', 'SYSTEM']).optional().openapi({ default: 'SYSTEM' }),
  })
  .openapi('PublishEvent');

/** The answer of `POST /v1/events` (202): the stored event and how many deliveries it made. */
export const publishedEventSchema = z
  .object({
    id: z.string().openapi({ example: 'evt_a1b2c3d4' }),
    type: z.string(),
    schemaVersion: z.number().int(),
    createdAt: timestampSchema,
    deliveries: z.number().int().min(0),
  })
  .openapi('PublishedEvent');
