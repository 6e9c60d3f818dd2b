// `POST /v1/events` (extension): publish an event into the sender over HTTP, for hosts whose
// events come from another process (the CLI's `serve`). It counts as a `write`, not as webhook
// management, and answers 202: the event is stored with its deliveries, which the dispatcher
// sends later.

import { createRoute } from '@hono/zod-openapi';
import type { z } from 'zod';
import type { UntypedEventDataMap } from '../../../core/catalog/event-catalog.js';
import type { WebhookSender } from '../../../sender/webhook-sender.js';
import { type ApiKernel, fromRequest } from '../api-kernel.js';
import { publishEventBodySchema, publishedEventSchema } from '../schemas/event-schemas.js';
import { writeHeadersSchema } from '../schemas/shared-schemas.js';
import { jsonAnswer, writeErrors } from './route-responses.js';

const publishRoute = createRoute({
  method: 'post',
  path: '/v1/events',
  tags: ['Events'],
  summary: 'Publish an event (extension)',
  description:
    "Stores the event in the caller's organization with one delivery per matching endpoint; the dispatcher sends them. `data` is checked against the event type's schema.",
  request: {
    headers: writeHeadersSchema,
    body: { required: true, content: { 'application/json': { schema: publishEventBodySchema } } },
  },
  responses: {
    202: jsonAnswer('Accepted: stored and queued.', publishedEventSchema),
    ...writeErrors,
  },
});

/**
 * Registers `POST /v1/events` on `kernel`.
 *
 * @param kernel - the API under construction.
 * @param sender - the sender events are published into.
 */
export function registerEventRoutes(
  kernel: ApiKernel,
  sender: WebhookSender<UntypedEventDataMap>,
): void {
  kernel.openapi(publishRoute, (c) =>
    kernel.idempotent(c, async () => {
      const body = (
        c.req as unknown as { valid(t: 'json'): z.infer<typeof publishEventBodySchema> }
      ).valid('json');
      const { event, deliveries } = await fromRequest(() =>
        sender.publish({
          organizationUuid: c.get('principal').organizationUuid,
          type: body.type,
          data: body.data,
          ...(body.partnerUuid === undefined ? {} : { partnerUuid: body.partnerUuid }),
          ...(body.source === undefined ? {} : { source: body.source }),
        }),
      );
      return {
        status: 202,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          id: event.id,
          type: event.type,
          schemaVersion: event.schemaVersion,
          createdAt: new Date(event.createdAtMs).toISOString(),
          deliveries,
        }),
      };
    }),
  );
}
