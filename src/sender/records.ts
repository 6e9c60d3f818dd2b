/**
 * The sender's stored records. Plain data (JSON-serialisable, times in epoch milliseconds), so
 * every storage adapter can hold them as rows. Secrets live only in {@link EndpointRecord.secrets}
 * and never leave the sender except in the create response (docs/design.md §5.14).
 */

import type { DeliveryFailureReason, EventSource, OpenEnum } from '../core/catalog/enum-values.js';
import type { EndpointHealth } from '../core/retry/health-policy.js';

/** An endpoint's status (docs/design.md §6.2; docs/design.md §5.3). */
export type EndpointStatus = 'ACTIVE' | 'PAUSED' | 'DISABLED';

/** One signing secret of an endpoint. */
export interface EndpointSecret {
  /** The secret as-is (`whsec_…`). */
  readonly secret: string;
  /** When it was created, epoch ms. */
  readonly createdAtMs: number;
  /** When it stops signing (the end of a rotation's overlap), epoch ms; `null`: no end. */
  readonly expiresAtMs: number | null;
}

/** A registered endpoint. */
export interface EndpointRecord {
  /** `wh_…` */
  readonly id: string;
  readonly organizationUuid: string;
  readonly url: string;
  readonly description: string | null;
  /** Subscription patterns, validated against the profile's catalog (docs/design.md §5.5). */
  readonly events: readonly string[];
  /** Partner filter; `null`: every partner (docs/design.md §6.2). */
  readonly partnerIds: readonly string[] | null;
  /** Schema versions the endpoint accepts (docs/design.md §5.7). */
  readonly acceptedSchemaVersions: readonly number[];
  readonly status: EndpointStatus;
  /** Live secrets, newest first (one during normal operation; more during a rotation). */
  readonly secrets: readonly EndpointSecret[];
  /** The failure streak the health policy reads (docs/design.md §5.2). */
  readonly health: EndpointHealth;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

/** A published event, stored once however many endpoints receive it. */
export interface EventRecord {
  /** `evt_…` */
  readonly id: string;
  readonly organizationUuid: string;
  readonly type: string;
  /** The version `data` is at (the type's latest when published). */
  readonly schemaVersion: number;
  readonly source: OpenEnum<EventSource>;
  readonly partnerUuid: string | null;
  readonly createdAtMs: number;
  readonly data: Readonly<Record<string, unknown>>;
}

/** A delivery's status. PENDING: an attempt is due (or running); the others are final. */
export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED';

/** Why a delivery failed, as stored (the catalog's reasons plus `ENDPOINT_DELETED`). */
export type StoredFailureReason = DeliveryFailureReason | 'ENDPOINT_DELETED';

/** One event to one endpoint. */
export interface DeliveryRecord {
  /** `del_…` */
  readonly id: string;
  readonly organizationUuid: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly eventType: string;
  /** The version this endpoint receives (docs/design.md §5.7). */
  readonly schemaVersion: number;
  readonly status: DeliveryStatus;
  /** HTTP attempts made (0 for a parked delivery). */
  readonly attempts: number;
  /** When the next attempt is due, epoch ms; `null` when final. */
  readonly nextAttemptAtMs: number | null;
  readonly firstAttemptAtMs: number | null;
  readonly lastAttemptAtMs: number | null;
  /** The last response's status, `null` when none arrived. */
  readonly lastStatusCode: number | null;
  /**
   * Why the last attempt failed (its `AttemptRecord.failureReason`); `null` before the first
   * attempt and after a successful one. Set while a delivery waits for its next retry, when
   * `failureReason` is still `null`, and kept when a failed delivery is parked (docs/design.md
   * §5.11).
   */
  readonly lastFailureReason: DeliveryFailureReason | null;
  /** Why a final delivery failed: the last attempt's reason, or why it was parked; else `null`. */
  readonly failureReason: StoredFailureReason | null;
  /** A test fire (docs/design.md §5.8): one attempt, not counted for health. */
  readonly test: boolean;
  /** The delivery this one replays (docs/design.md §5.9), or `null`. */
  readonly replayOf: string | null;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

/** What happened on one HTTP attempt, kept for history. */
export interface AttemptRecord {
  readonly deliveryId: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly startedAtMs: number;
  readonly durationMs: number;
  /** The response status, or `null` when none arrived. */
  readonly statusCode: number | null;
  /** `null` on a 2xx; otherwise why the attempt failed. */
  readonly failureReason: DeliveryFailureReason | null;
  /** The first 4 KiB of the response body (docs/design.md §5.13), decoded as UTF-8. */
  readonly responseBody: string;
}

/**
 * The response an idempotent write produced, kept so that a retry with the same key and body gets
 * it back unchanged (docs/design.md §5.10). The body may hold a one-time secret (an endpoint's create
 * response): it is stored here and nowhere else, and never logged or put in an error.
 */
export interface IdempotencyResponse {
  /** The HTTP status sent. */
  readonly status: number;
  /**
   * The response headers worth replaying (`Location`, `Content-Type`, …), stored and replayed
   * verbatim: the same names, in the same case and order. Absent when the write gave none.
   */
  readonly headers?: Readonly<Record<string, string>>;
  /** The response body as sent. */
  readonly body: string;
}

/** One Idempotency-Key record (docs/design.md §5.10). */
export interface IdempotencyRecord {
  /** Organization + method + route + key, in the form the sender builds. */
  readonly scope: string;
  /** SHA-256 of the raw request body (the encoding is the sender's, compared as a string). */
  readonly bodyHash: string;
  /**
   * What `begin` returned with `started` for this record: `complete` and `abandon` act on the
   * record only with it (the fence against a request whose record expired mid-way).
   */
  readonly token: string;
  /** `in_flight` until the write's response is stored, then `completed`. */
  readonly state: 'in_flight' | 'completed';
  /** The stored response; `null` while in flight. */
  readonly response: IdempotencyResponse | null;
  readonly createdAtMs: number;
  /** From this time on the record counts as absent, epoch ms. */
  readonly expiresAtMs: number;
}
