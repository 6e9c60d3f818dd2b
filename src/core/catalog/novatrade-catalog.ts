/**
 * The built-in Novatrade24 catalog: the 10 Phase 1 types (docs/design.md §6.9), each at schema
 * version 1 with a lenient and a strict `data` schema.
 */

import { createEventCatalog, type EventCatalog } from './event-catalog.js';
import type { EventDataMap } from './event-data.js';
import { EVENT_DATA_SCHEMAS } from './event-data-schemas.js';
import { EVENT_TYPES, META_EVENT_TYPES } from './event-types.js';
import { buildEventDataSchemasV1 } from './internal/novatrade-data-schemas.js';

const STRICT_V1 = buildEventDataSchemasV1(true);

/**
 * The Novatrade24 Phase 1 catalog (docs/design.md §5.7): every type at version 1, the `webhook.*`
 * meta-events scoped to the organization (`partnerUuid` may be null, docs/design.md §5.4). When a
 * version 2 ships, it is added here with a converter to version 1. Typed with
 * {@link EventDataMap}: a sender on it types `publish` with `EventData<T>`.
 *
 * @example
 * ```ts
 * negotiateSchemaVersion(NOVATRADE_CATALOG, { type: 'compliance.status_changed', acceptedSchemaVersions: [1] }); // 1
 * ```
 */
export const NOVATRADE_CATALOG: EventCatalog<EventDataMap> = createEventCatalog(
  EVENT_TYPES.map((type) => ({
    type,
    scope: (META_EVENT_TYPES as readonly string[]).includes(type) ? 'organization' : 'partner',
    versions: [{ version: 1, schema: EVENT_DATA_SCHEMAS[type], strictSchema: STRICT_V1[type] }],
  })),
  // A map over the types loses which schema goes with which type; each schema is checked against
  // its `EventData<T>` where it is built (novatrade-data-schemas.ts), so the map is EventDataMap.
) as EventCatalog<EventDataMap>;
