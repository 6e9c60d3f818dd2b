// The event catalog a sender validates and converts against: the Novatrade24 catalog for the
// Novatrade24 profiles; for the EUDR profile, its 14 types at version 1, organization-scoped (the
// EUDR payload has no partner, docs/design.md §6.10), with strict schemas for publishing
// (docs/design.md §5.24).

import type { EudrEventDataMap } from '../../core/catalog/eudr-event-data.js';
import { EUDR_EVENT_DATA_SCHEMAS } from '../../core/catalog/eudr-event-data-schemas.js';
import { createEventCatalog, type EventCatalog } from '../../core/catalog/event-catalog.js';
import { EUDR_EVENT_TYPES } from '../../core/catalog/event-types.js';
import { buildEudrEventDataSchemas } from '../../core/catalog/internal/eudr-data-schemas.js';
import { NOVATRADE_CATALOG } from '../../core/catalog/novatrade-catalog.js';
import type { WireProfile } from '../../core/profiles/wire-profile.js';

let eudrCatalog: EventCatalog<EudrEventDataMap> | undefined;

/** The catalog that matches a profile's event types. */
export function catalogForProfile(profile: WireProfile): EventCatalog {
  if (profile.eventTypes === EUDR_EVENT_TYPES) {
    eudrCatalog ??= buildEudrCatalog();
    return eudrCatalog;
  }
  return NOVATRADE_CATALOG;
}

function buildEudrCatalog(): EventCatalog<EudrEventDataMap> {
  const strict = buildEudrEventDataSchemas(true);
  return createEventCatalog(
    EUDR_EVENT_TYPES.map((type) => ({
      type,
      scope: 'organization' as const,
      versions: [
        {
          version: 1,
          schema: EUDR_EVENT_DATA_SCHEMAS[type] as never,
          strictSchema: strict[type] as never,
        },
      ],
    })),
    // The map loses which schema goes with which type; each is checked against its
    // `EudrEventData<T>` where it is built (eudr-data-schemas.ts).
  ) as EventCatalog<EudrEventDataMap>;
}
