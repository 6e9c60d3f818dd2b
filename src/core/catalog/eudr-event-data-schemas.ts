/**
 * zod schemas for the `data` of the 14 N'entropy EUDR event types (docs/design.md §6.13). Loose:
 * unknown fields pass through. Lenient: unknown enum values are accepted; the strict twins are
 * used by `parseEudrEvent(…, { strict: true })`.
 */

import { buildEudrEventDataSchemas } from './internal/eudr-data-schemas.js';

/** The lenient schemas, by type. */
type EudrEventDataSchemas = ReturnType<typeof buildEudrEventDataSchemas>;

/**
 * The lenient `data` schema of each of the 14 EUDR event types, by type. The nine entity events
 * share two schemas (created/updated, deleted).
 *
 * @example
 * ```ts
 * const data = EUDR_EVENT_DATA_SCHEMAS['sync.completed'].parse(body.data);
 * ```
 */
export const EUDR_EVENT_DATA_SCHEMAS: EudrEventDataSchemas = Object.freeze(
  buildEudrEventDataSchemas(false),
);
