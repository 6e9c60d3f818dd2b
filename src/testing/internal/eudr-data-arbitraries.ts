// The `data` of each N'entropy EUDR type, field by field as
// src/core/catalog/internal/eudr-data-schemas.ts defines it. A new EUDR type fails `tsc` here
// until its builder is added.

import type { Arbitrary } from 'fast-check';
import { DDS_STATUSES, EUDR_ENTITY_TYPES } from '../../core/catalog/enum-values.js';
import type {
  EudrDdsEventData,
  EudrEntityData,
  EudrEntityDeletedData,
  EudrEventData,
  EudrSyncFailedData,
} from '../../core/catalog/eudr-event-data.js';
import type { EudrEventType } from '../../core/catalog/event-types.js';
import {
  type ArbitraryKit,
  code,
  enumValue,
  nullable,
  objectOf,
  text,
  uuid,
} from './arbitrary-kit.js';

/** An id in the integrator's own system (`SUP-0042`, a UUID, …): letters, digits, `_`, `-`. */
function externalId(kit: ArbitraryKit): Arbitrary<string> {
  return kit.fc.oneof(kit.fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,35}$/), uuid(kit));
}

function count(kit: ArbitraryKit): Arbitrary<number> {
  return kit.fc.integer({ min: 0, max: 10_000 });
}

function ddsNumber(kit: ArbitraryKit): Arbitrary<string> {
  return kit.fc
    .tuple(kit.fc.integer({ min: 2023, max: 2035 }), kit.fc.integer({ min: 0, max: 99_999 }))
    .map(([year, serial]) => `DDS-${year}-${String(serial).padStart(5, '0')}`);
}

function ddsStatus(kit: ArbitraryKit) {
  return nullable(kit, enumValue(kit, DDS_STATUSES));
}

function entity(kit: ArbitraryKit): Arbitrary<EudrEntityData> {
  return objectOf(kit, { externalId: externalId(kit), internalId: uuid(kit) });
}

function entityDeleted(kit: ArbitraryKit): Arbitrary<EudrEntityDeletedData> {
  return objectOf<{ externalId: string }, { internalId: string }>(
    kit,
    { externalId: externalId(kit) },
    { internalId: uuid(kit) },
  );
}

function ddsEvent(kit: ArbitraryKit): Arbitrary<EudrDdsEventData> {
  return objectOf<object, EudrDdsEventData>(
    kit,
    {},
    {
      batchExternalId: externalId(kit),
      ddsNumber: nullable(kit, ddsNumber(kit)),
      previousStatus: ddsStatus(kit),
      newStatus: ddsStatus(kit),
    },
  );
}

type EudrDataBuilders = {
  readonly [T in EudrEventType]: (kit: ArbitraryKit) => Arbitrary<EudrEventData<T>>;
};

/** One builder per EUDR type. */
export const EUDR_DATA_ARBITRARIES: EudrDataBuilders = {
  'supplier.created': entity,
  'supplier.updated': entity,
  'supplier.deleted': entityDeleted,
  'product.created': entity,
  'product.updated': entity,
  'product.deleted': entityDeleted,
  'batch.created': entity,
  'batch.updated': entity,
  'batch.deleted': entityDeleted,
  'sync.completed': (kit) =>
    objectOf(kit, {
      entityType: enumValue(kit, EUDR_ENTITY_TYPES),
      created: count(kit),
      updated: count(kit),
      errors: count(kit),
    }),
  'sync.failed': (kit) =>
    objectOf<object, EudrSyncFailedData>(
      kit,
      {},
      {
        entityType: enumValue(kit, EUDR_ENTITY_TYPES),
        created: count(kit),
        updated: count(kit),
        errors: count(kit),
        error: code(kit),
        message: text(kit, 80),
      },
    ),
  'dds.status_changed': (kit) =>
    objectOf(kit, {
      batchExternalId: externalId(kit),
      ddsNumber: nullable(kit, ddsNumber(kit)),
      previousStatus: ddsStatus(kit),
      newStatus: ddsStatus(kit),
    }),
  'dds.submitted': ddsEvent,
  'dds.approved': ddsEvent,
};
