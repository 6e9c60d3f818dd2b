/** The typed N'entropy EUDR event union, discriminated by `event`. */

import type { EudrEventData } from './eudr-event-data.js';
import type { EudrEventEnvelope } from './eudr-event-envelope.js';
import type { EudrEventType } from './event-types.js';

/**
 * An EUDR catalog event. Without a type argument, the union of all 14 types: a
 * `switch (event.event)` narrows `event.data`.
 *
 * @example
 * ```ts
 * function handle(event: EudrWebhookEvent) {
 *   switch (event.event) {
 *     case 'sync.completed': return report(event.data.entityType, event.data.errors);
 *     case 'dds.status_changed': return track(event.data.batchExternalId, event.data.newStatus);
 *   }
 * }
 * ```
 */
export type EudrWebhookEvent<T extends EudrEventType = EudrEventType> = T extends EudrEventType
  ? EudrEventEnvelope<T, EudrEventData<T>>
  : never;

/** An EUDR event of a type outside the 14 known ones (lenient parsing only). */
export type UnknownEudrWebhookEvent = EudrEventEnvelope<string, Record<string, unknown>>;

/** What lenient EUDR parsing returns; narrow with {@link isKnownEudrEvent}. */
export type AnyEudrWebhookEvent = EudrWebhookEvent | UnknownEudrWebhookEvent;
