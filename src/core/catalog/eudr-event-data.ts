/**
 * The `data` payloads of the 14 N'entropy EUDR event types (docs/design.md §6.13). The events page
 * shows three shapes; the rest are inferred (docs/design.md §7, N-7, N-8) and their uncertain fields are optional.
 * Unknown extra fields arrive at runtime but are not typed. See docs/events.md.
 */

import type { DdsStatus, EudrEntityType, OpenEnum } from './enum-values.js';
import type { EudrEventType } from './event-types.js';

/** `supplier.*`, `product.*`, `batch.*` created/updated: the record that changed. [spec] */
export type EudrEntityData = {
  /** Your system's id, e.g. `VENDOR-001`. */
  readonly externalId: string;
  /** N'entropy's id, e.g. a cuid `clx…`. */
  readonly internalId: string;
};

/**
 * `supplier.deleted`, `product.deleted`, `batch.deleted`. The docs give one example for all nine
 * entity events; whether `internalId` is still sent after a delete is not stated (docs/design.md §7, N-7), so it is
 * optional here (inferred).
 */
export type EudrEntityDeletedData = {
  readonly externalId: string;
  readonly internalId?: string | undefined;
};

/** `sync.completed`: a sync run finished. [spec] */
export type EudrSyncCompletedData = {
  readonly entityType: OpenEnum<EudrEntityType>;
  /** Records created. */
  readonly created: number;
  /** Records updated. */
  readonly updated: number;
  /** Records that failed: a count here, unlike the upsert responses' array (docs/design.md §7, N-8). */
  readonly errors: number;
};

/** `sync.failed`: a sync run hit errors. Not shown in the docs (docs/design.md §7, N-7): inferred, all optional. */
export type EudrSyncFailedData = {
  readonly entityType?: OpenEnum<EudrEntityType> | undefined;
  readonly created?: number | undefined;
  readonly updated?: number | undefined;
  readonly errors?: number | undefined;
  /** Inferred: an error code, as in the API's `{ error, message }` errors. */
  readonly error?: string | undefined;
  /** Inferred: a human-readable description. */
  readonly message?: string | undefined;
};

/**
 * `dds.status_changed`: a due-diligence statement changed status. [spec] A status is `null` when
 * no DDS exists yet; `ddsNumber` may be null before one is assigned (inferred).
 */
export type EudrDdsStatusChangedData = {
  readonly batchExternalId: string;
  /** E.g. `DDS-2024-00042`. */
  readonly ddsNumber: string | null;
  readonly previousStatus: OpenEnum<DdsStatus> | null;
  readonly newStatus: OpenEnum<DdsStatus> | null;
};

/**
 * `dds.submitted`, `dds.approved`: not shown in the docs (docs/design.md §7, N-7). Inferred as the
 * `dds.status_changed` shape with every field optional.
 */
export type EudrDdsEventData = {
  readonly batchExternalId?: string | undefined;
  readonly ddsNumber?: string | null | undefined;
  readonly previousStatus?: OpenEnum<DdsStatus> | null | undefined;
  readonly newStatus?: OpenEnum<DdsStatus> | null | undefined;
};

/**
 * The `data` type of each EUDR event type: the static types of a `WebhookSender` on
 * `EUDR_PROFILE`. A type alias, so it is assignable to `UntypedEventDataMap`.
 */
export type EudrEventDataMap = {
  'supplier.created': EudrEntityData;
  'supplier.updated': EudrEntityData;
  'supplier.deleted': EudrEntityDeletedData;
  'product.created': EudrEntityData;
  'product.updated': EudrEntityData;
  'product.deleted': EudrEntityDeletedData;
  'batch.created': EudrEntityData;
  'batch.updated': EudrEntityData;
  'batch.deleted': EudrEntityDeletedData;
  'sync.completed': EudrSyncCompletedData;
  'sync.failed': EudrSyncFailedData;
  'dds.status_changed': EudrDdsStatusChangedData;
  'dds.submitted': EudrDdsEventData;
  'dds.approved': EudrDdsEventData;
};

/**
 * The `data` of one EUDR event type (or the union for several).
 *
 * @example
 * ```ts
 * function onSync(data: EudrEventData<'sync.completed'>) { return data.created + data.updated; }
 * ```
 */
export type EudrEventData<T extends EudrEventType = EudrEventType> = EudrEventDataMap[T];
