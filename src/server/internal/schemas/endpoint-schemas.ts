// The WebhookEndpoint resource and the bodies that create and change it (docs/design.md §6.2,
// §6.4). The schemas check shapes (types, lengths, unknown fields); the sender then checks what
// needs its configuration (https-only URLs, the catalog's patterns and schema versions) and
// answers the same 422 with field paths.

import { z } from '@hono/zod-openapi';
import { timestampSchema, uuidSchema } from './shared-schemas.js';

const MAX_URL_LENGTH = 2048;
const MAX_PATTERNS = 100;
const MAX_PARTNERS = 1000;
const MAX_DESCRIPTION_LENGTH = 500;
const MAX_SCHEMA_VERSIONS = 20;

const statusSchema = z.enum(['ACTIVE', 'PAUSED', 'DISABLED']).openapi('WebhookEndpointStatus', {
  description: 'ACTIVE delivers; PAUSED (by auto-pause or PATCH) and DISABLED park new events.',
});

const urlSchema = z.string().min(1).max(MAX_URL_LENGTH).openapi({
  format: 'uri',
  description: 'Where deliveries go: an `https:` URL.',
  example: 'https://partner.example/webhooks/novatrade',
});

const eventsSchema = z
  .array(z.string().min(1).max(200))
  .min(1)
  .max(MAX_PATTERNS)
  .openapi({
    description:
      'Exact event types and segment wildcards (`kyc.*`); the root wildcard `*` is refused.',
    example: ['compliance.status_changed', 'kyc.*'],
  });

const partnerIdsSchema = z
  .array(uuidSchema)
  .max(MAX_PARTNERS)
  .nullable()
  .openapi({
    description: 'Only events of these partners are delivered; `null` or absent: all partners.',
    example: ['11111111-2222-3333-4444-555555555555'],
  });

const descriptionSchema = z.string().max(MAX_DESCRIPTION_LENGTH).nullable();

const acceptedSchemaVersionsSchema = z
  .array(z.number().int().min(1).max(1_000_000))
  .min(1)
  .max(MAX_SCHEMA_VERSIONS)
  .openapi({
    description: 'The event schema versions the endpoint accepts; it receives the highest one.',
    example: [1],
  });

/** A WebhookEndpoint as GET, list and PATCH return it: never with a secret. */
export const webhookEndpointSchema = z
  .object({
    id: z.string().openapi({ example: 'wh_a1b2c3d4' }),
    organizationUuid: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()),
    partnerIds: z.array(z.string()).nullable(),
    acceptedSchemaVersions: z.array(z.number().int()),
    status: statusSchema,
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
    consecutiveFailures: z.number().int().min(0).openapi({
      description: 'Failed attempts since the last success (auto-pause at 20).',
    }),
    failingSince: timestampSchema.nullable().openapi({
      description: 'The first failure of the current streak, or null.',
    }),
    liveSecrets: z.number().int().min(0).openapi({
      description: 'How many secrets sign deliveries now (more than one during a rotation).',
    }),
  })
  .openapi('WebhookEndpoint');

/** The create response: the endpoint with its one-time `secret`. */
export const createdWebhookEndpointSchema = webhookEndpointSchema
  .extend({
    secret: z.string().openapi({
      description: 'The signing secret, shown only in this response: store it now.',
      example: 'whsec_abc123',
    }),
  })
  .openapi('CreatedWebhookEndpoint');

/** `POST /v1/webhooks`: unknown fields are refused, so a misspelt one is not silently ignored. */
export const createWebhookEndpointBodySchema = z
  .strictObject({
    url: urlSchema,
    events: eventsSchema,
    partnerIds: partnerIdsSchema.optional(),
    secret: z.string().min(16).max(256).optional().openapi({
      description:
        'Your own signing secret (16 to 256 visible ASCII characters); if omitted, one is generated.',
    }),
    description: descriptionSchema.optional(),
    acceptedSchemaVersions: acceptedSchemaVersionsSchema.optional(),
  })
  .openapi('CreateWebhookEndpoint');

/** `PATCH /v1/webhooks/{id}`: a JSON merge patch; supplied fields replace whole values. */
export const updateWebhookEndpointBodySchema = z
  .strictObject({
    url: urlSchema.optional(),
    events: eventsSchema.optional(),
    partnerIds: partnerIdsSchema.optional(),
    description: descriptionSchema.optional(),
    acceptedSchemaVersions: acceptedSchemaVersionsSchema.optional(),
    status: statusSchema.optional().openapi({
      description:
        '`ACTIVE` resumes a PAUSED or DISABLED endpoint (and replays nothing by itself).',
    }),
  })
  .openapi('UpdateWebhookEndpoint');

/** `POST /v1/webhooks/{id}/rotate-secret` (extension). */
export const rotateSecretBodySchema = z
  .strictObject({
    overlapMs: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400_000)
      .optional()
      .openapi({
        description:
          'How long the current secrets keep signing, in milliseconds (default 24 h; 0 ends them now).',
        example: 86_400_000,
      }),
    secret: z.string().min(16).max(256).optional().openapi({
      description:
        'Your own new secret (16 to 256 visible ASCII characters); else one is generated.',
    }),
  })
  .openapi('RotateSecret');

/** The rotate-secret response: the new secret, shown only here. */
export const rotatedSecretSchema = z
  .object({
    secret: z.string().openapi({ example: 'whsec_def456' }),
  })
  .openapi('RotatedSecret');
