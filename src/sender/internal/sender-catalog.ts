// The event catalog a sender validates and converts against: the Novatrade24 catalog for the
// Novatrade24 profile; for the EUDR profile, its 14 types at version 1, organization-scoped (the
// EUDR payload has no partner, spec digest §2.4).

import { EUDR_EVENT_DATA_SCHEMAS } from '../../core/catalog/eudr-event-data-schemas.js';
import { createEventCatalog, type EventCatalog } from '../../core/catalog/event-catalog.js';
import { EUDR_EVENT_TYPES } from '../../core/catalog/event-types.js';
import { NOVATRADE_CATALOG } from '../../core/catalog/novatrade-catalog.js';
import type { WireProfile } from '../../core/profiles/wire-profile.js';

let eudrCatalog: EventCatalog | undefined;

/** The catalog that matches a profile's event types. */
export function catalogForProfile(profile: WireProfile): EventCatalog {
  if (profile.eventTypes === EUDR_EVENT_TYPES) {
    eudrCatalog ??= createEventCatalog(
      EUDR_EVENT_TYPES.map((type) => ({
        type,
        scope: 'organization' as const,
        versions: [
          {
            version: 1,
            schema: EUDR_EVENT_DATA_SCHEMAS[type] as never,
          },
        ],
      })),
    );
    return eudrCatalog;
  }
  return NOVATRADE_CATALOG;
}
