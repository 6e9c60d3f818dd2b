// Builders of the two envelope schemas (Novatrade24 and EUDR), lenient or strict. Internal: the
// public lenient schemas are exported from ../event-envelope.ts and ../eudr-event-envelope.ts.

import { z } from 'zod';
import { EVENT_SOURCES } from '../enum-values.js';
import type { EudrEventEnvelope } from '../eudr-event-envelope.js';
import type { EventEnvelope } from '../event-envelope.js';
import { dateTimeSchema, enumSchema, idSchema } from './schema-kit.js';

/**
 * The Novatrade24 envelope (docs/design.md §6.6, docs/design.md §4). `data` is checked here only as an
 * object; its shape is checked against the catalog afterwards. Strict differs only in `source`.
 */
export function buildEventEnvelopeSchema(strict: boolean) {
  return z.looseObject({
    // The dedupe key: an empty id would collapse every event onto one key.
    id: z.string().min(1),
    type: z.string().min(1),
    schemaVersion: z.int().min(1),
    source: enumSchema(EVENT_SOURCES, strict),
    createdAt: dateTimeSchema(),
    organizationUuid: idSchema(),
    // null only on organization-level meta-events (docs/design.md §5.4); enforced per type.
    partnerUuid: idSchema().nullable(),
    data: z.looseObject({}),
  }) satisfies z.ZodType<EventEnvelope>;
}

/** The N'entropy EUDR envelope (docs/design.md §6.10). No enum fields, so one schema serves both. */
export function buildEudrEventEnvelopeSchema() {
  return z.looseObject({
    event: z.string().min(1),
    timestamp: dateTimeSchema(),
    integrationId: idSchema(),
    data: z.looseObject({}),
  }) satisfies z.ZodType<EudrEventEnvelope>;
}
