/**
 * The typed Novatrade24 event union. A `switch (event.type)` on a {@link WebhookEvent} narrows
 * `event.data`.
 */

import type { EventData } from './event-data.js';
import type { EventEnvelope } from './event-envelope.js';
import type { EventType, MetaEventType } from './event-types.js';

/** `partnerUuid` of a type: null only on organization-level meta-events (docs/design.md §5.4). */
type PartnerUuidOf<T extends EventType> = T extends MetaEventType ? string | null : string;

/**
 * A Novatrade24 catalog event, schema version 1. Without a type argument it is the union of all
 * 10 types, discriminated by `type`; `WebhookEvent<'kyc.vies_check_failed'>` is one of them.
 *
 * @example
 * ```ts
 * function handle(event: WebhookEvent) {
 *   switch (event.type) {
 *     case 'compliance.decision_made': return book(event.data.orderUuid, event.data.decision);
 *     case 'kyc.vies_check_failed': return alert(event.data.vatNumber);
 *   }
 * }
 * ```
 */
export type WebhookEvent<T extends EventType = EventType> = T extends EventType
  ? EventEnvelope<T, EventData<T>, PartnerUuidOf<T>>
  : never;

/**
 * An event this SDK cannot type: a `type` outside the catalog (new types are non-breaking,
 * docs/design.md §6.1 and §7, A-24), or a catalog type with a `schemaVersion` this SDK does not
 * know. Lenient parsing returns it with its envelope checked and `data` as a plain object.
 */
export type UnknownWebhookEvent = EventEnvelope<string, Record<string, unknown>, string | null>;

/**
 * What lenient parsing returns: a typed catalog event or an {@link UnknownWebhookEvent}. Narrow
 * with {@link isKnownEvent} before switching on `type`.
 */
export type AnyWebhookEvent = WebhookEvent | UnknownWebhookEvent;
