/** The N'entropy EUDR webhook envelope (docs/design.md §6.10, docs/design.md §4). */

import { buildEudrEventEnvelopeSchema } from './internal/envelope-schemas.js';

/**
 * The envelope around every EUDR event. It has no event id (docs/design.md §7, N-3): dedupe on a hash of the raw
 * body (docs/design.md §5.16). Unknown extra fields are kept at runtime but not typed.
 *
 * @typeParam Event - the event type.
 * @typeParam Data - the `data` payload.
 */
export type EudrEventEnvelope<Event extends string = string, Data = Record<string, unknown>> = {
  /** Event type, e.g. `supplier.created`. */
  readonly event: Event;
  /** ISO 8601 date-time with milliseconds, e.g. `2024-01-15T10:30:00.000Z`. */
  readonly timestamp: string;
  /** The N'entropy integration, e.g. `int_abc123`. */
  readonly integrationId: string;
  /** The event-specific payload. */
  readonly data: Data;
};

/**
 * zod schema of the EUDR envelope `{ event, timestamp, integrationId, data }` for any event type.
 * Unknown fields are kept; `data` is any object (use {@link parseEudrEvent} to check its shape).
 *
 * @example
 * ```ts
 * const result = eudrEventEnvelopeSchema.safeParse(JSON.parse(body));
 * ```
 */
export const eudrEventEnvelopeSchema = buildEudrEventEnvelopeSchema();
