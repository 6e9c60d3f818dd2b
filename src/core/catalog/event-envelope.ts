/**
 * The Novatrade24 event envelope (docs/design.md §6.6, docs/design.md §4): the JSON body of every
 * delivery.
 */

import type { EventSource, OpenEnum } from './enum-values.js';
import { buildEventEnvelopeSchema } from './internal/envelope-schemas.js';

/**
 * The envelope around every Novatrade24 event. Unknown extra fields are kept at runtime but not
 * typed (docs/design.md §6.1).
 *
 * @typeParam Type - the event type (routing key).
 * @typeParam Data - the `data` payload.
 * @typeParam PartnerUuid - `string`, or `string | null` for organization-level meta-events.
 */
export type EventEnvelope<
  Type extends string = string,
  Data = Record<string, unknown>,
  PartnerUuid extends string | null = string | null,
> = {
  /** Unique event id (`evt_…`): the dedupe key. Kept on replay. */
  readonly id: string;
  /** Event type, the routing key, e.g. `compliance.status_changed`. */
  readonly type: Type;
  /** Version of the `data` shape, an integer >= 1 (docs/design.md §5.7). */
  readonly schemaVersion: number;
  /** What caused the event: `API`, `WEB_APP` or `SYSTEM` (more may be added). */
  readonly source: OpenEnum<EventSource>;
  /** ISO 8601 date-time the event was created; order by it (last write wins, docs/design.md §7, A-21, A-31). */
  readonly createdAt: string;
  /** Your IntegrationOrganization. */
  readonly organizationUuid: string;
  /** The trade partner (seller) the event concerns; null on organization-level meta-events. */
  readonly partnerUuid: PartnerUuid;
  /** The event-specific payload. */
  readonly data: Data;
};

/**
 * zod schema of the envelope, for any event type: `{ id, type, schemaVersion, source, createdAt,
 * organizationUuid, partnerUuid, data }`. Lenient: an unknown `source` is accepted, unknown fields
 * are kept, `partnerUuid` may be null, `data` is any object (its shape depends on `type`; use
 * {@link parseEvent} to check both).
 *
 * @example
 * ```ts
 * const result = eventEnvelopeSchema.safeParse(JSON.parse(body));
 * if (result.success) route(result.data.type);
 * ```
 */
export const eventEnvelopeSchema = buildEventEnvelopeSchema(false);
