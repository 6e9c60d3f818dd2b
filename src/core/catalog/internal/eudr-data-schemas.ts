// The builder of the EUDR data schemas. Internal: the public lenient map is in
// ../eudr-event-data-schemas.ts; the strict one is used by ../parse-eudr-event.ts.

import { z } from 'zod';
import { DDS_STATUSES, EUDR_ENTITY_TYPES } from '../enum-values.js';
import type {
  EudrDdsEventData,
  EudrDdsStatusChangedData,
  EudrEntityData,
  EudrEntityDeletedData,
  EudrEventData,
  EudrSyncCompletedData,
  EudrSyncFailedData,
} from '../eudr-event-data.js';
import type { EudrEventType } from '../event-types.js';
import { countSchema, enumSchema, idSchema } from './schema-kit.js';

/** Builds the 14 EUDR data schemas, lenient or strict (enum fields are the only difference). */
export function buildEudrEventDataSchemas(strict: boolean) {
  const entity = z.looseObject({
    externalId: idSchema(),
    internalId: idSchema(),
  }) satisfies z.ZodType<EudrEntityData>;
  const entityDeleted = z.looseObject({
    externalId: idSchema(),
    internalId: idSchema().optional(),
  }) satisfies z.ZodType<EudrEntityDeletedData>;
  const entityType = () => enumSchema(EUDR_ENTITY_TYPES, strict);
  const ddsStatus = () => enumSchema(DDS_STATUSES, strict).nullable();

  return {
    'supplier.created': entity,
    'supplier.updated': entity,
    'supplier.deleted': entityDeleted,
    'product.created': entity,
    'product.updated': entity,
    'product.deleted': entityDeleted,
    'batch.created': entity,
    'batch.updated': entity,
    'batch.deleted': entityDeleted,
    'sync.completed': z.looseObject({
      entityType: entityType(),
      created: countSchema(),
      updated: countSchema(),
      errors: countSchema(),
    }) satisfies z.ZodType<EudrSyncCompletedData>,
    'sync.failed': z.looseObject({
      entityType: entityType().optional(),
      created: countSchema().optional(),
      updated: countSchema().optional(),
      errors: countSchema().optional(),
      error: z.string().optional(),
      message: z.string().optional(),
    }) satisfies z.ZodType<EudrSyncFailedData>,
    'dds.status_changed': z.looseObject({
      batchExternalId: idSchema(),
      ddsNumber: z.string().nullable(),
      previousStatus: ddsStatus(),
      newStatus: ddsStatus(),
    }) satisfies z.ZodType<EudrDdsStatusChangedData>,
    'dds.submitted': ddsEvent(),
    'dds.approved': ddsEvent(),
  } as const satisfies { readonly [T in EudrEventType]: z.ZodType<EudrEventData<T>> };

  function ddsEvent() {
    return z.looseObject({
      batchExternalId: idSchema().optional(),
      ddsNumber: z.string().nullish(),
      previousStatus: ddsStatus().optional(),
      newStatus: ddsStatus().optional(),
    }) satisfies z.ZodType<EudrDdsEventData>;
  }
}
