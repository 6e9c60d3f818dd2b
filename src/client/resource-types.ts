// The resources the management API answers (docs/server.md), as plain interfaces: the client's
// declarations depend on neither hono nor zod. They are written from the server's zod schemas
// (src/server/internal/schemas/), and test/unit/client/resource-types.test.ts fails when the two
// drift apart: a type-level equality per resource, and a runtime comparison with the OpenAPI
// document the server serves (docs/design.md §5.37).
//
// Responses are not validated again at run time: a newer server may add fields and enum values,
// and a client must tolerate both (docs/design.md §6.1). Enum fields are therefore `OpenEnum`s: the known
// values for autocompletion, plus any other string for a `default:` branch.

import type { OpenEnum } from '../core/catalog/enum-values.js';

/**
 * The known statuses of a webhook endpoint. ACTIVE delivers; PAUSED and DISABLED park events.
 *
 * @example
 * ```ts
 * const { data: endpoint } = await client.endpoints.get(endpointId);
 * if (endpoint.status === 'PAUSED') await client.endpoints.resume(endpoint.id);
 * ```
 */
export type WebhookEndpointStatus = 'ACTIVE' | 'PAUSED' | 'DISABLED';

/**
 * The known statuses of a delivery.
 *
 * @example
 * ```ts
 * const { data: page } = await client.deliveries.list(endpointId, { status: 'FAILED' });
 * ```
 */
export type WebhookDeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED';

/**
 * A webhook endpoint as `GET /v1/webhooks/{id}`, the list and `PATCH` answer it: never with its
 * secret.
 *
 * @example
 * ```ts
 * const { data: endpoint } = await client.endpoints.get('wh_a1b2c3d4');
 * if (endpoint.status === 'PAUSED') await client.endpoints.resume(endpoint.id);
 * ```
 */
export interface WebhookEndpoint {
  /** `wh_…`. */
  readonly id: string;
  /** The organization the endpoint belongs to (the caller's). */
  readonly organizationUuid: string;
  /** Where deliveries go. */
  readonly url: string;
  readonly description: string | null;
  /** Exact event types and segment wildcards (`kyc.*`). */
  readonly events: readonly string[];
  /** Only events of these partners are delivered; `null`: every partner. */
  readonly partnerIds: readonly string[] | null;
  /** The event schema versions the endpoint accepts; it receives the highest one. */
  readonly acceptedSchemaVersions: readonly number[];
  /** ACTIVE, PAUSED (auto-pause after 20 consecutive failures, or by you) or DISABLED. */
  readonly status: OpenEnum<WebhookEndpointStatus>;
  /** RFC 3339. */
  readonly createdAt: string;
  /** RFC 3339. */
  readonly updatedAt: string;
  /** Failed attempts since the last success (auto-pause at 20). */
  readonly consecutiveFailures: number;
  /** The first failure of the current streak (RFC 3339), or `null`. */
  readonly failingSince: string | null;
  /** How many secrets sign deliveries now (2 during a rotation's overlap). */
  readonly liveSecrets: number;
}

/**
 * The answer of `endpoints.create`: the endpoint with its signing secret, shown only here. Store
 * the secret now: no other call returns it (a retry with the same Idempotency-Key does).
 *
 * @example
 * ```ts
 * const { data: created } = await client.endpoints.create(input);
 * await secrets.store(created.id, created.secret); // shown in this answer only
 * ```
 */
export interface CreatedWebhookEndpoint extends WebhookEndpoint {
  /** `whsec_…`: verifies `X-Novatrade-Signature` (docs/signature.md). */
  readonly secret: string;
}

/**
 * One event to one endpoint, with its latest outcome (docs/design.md §5.11).
 *
 * @example
 * ```ts
 * for await (const delivery of client.deliveries.listAll(endpointId)) {
 *   console.log(delivery.createdAt, delivery.eventType, delivery.status, delivery.httpStatus);
 * }
 * ```
 */
export interface WebhookDelivery {
  /** `del_…`. */
  readonly id: string;
  readonly endpointId: string;
  /** `evt_…`: the same on every replay of the event (dedupe on it). */
  readonly eventId: string;
  readonly eventType: string;
  readonly schemaVersion: number;
  readonly status: OpenEnum<WebhookDeliveryStatus>;
  /** The last attempt's HTTP status, or `null` (no attempt, or no answer). */
  readonly httpStatus: number | null;
  /** HTTP attempts so far. */
  readonly attempts: number;
  /** RFC 3339, or `null` before the first attempt. */
  readonly lastAttemptAt: string | null;
  /** RFC 3339, or `null` when no retry is scheduled. */
  readonly nextRetryAt: string | null;
  /** RFC 3339. */
  readonly createdAt: string;
  /** Why the last attempt failed (`HTTP_ERROR`, `TIMEOUT`, …), or `null`. */
  readonly lastFailureReason: string | null;
  /** Why the delivery ended FAILED (`HTTP_ERROR`, `ENDPOINT_PAUSED`, …), or `null`. */
  readonly failureReason: string | null;
  /** A test fire (`endpoints.test`). */
  readonly test: boolean;
  /** The delivery this one replays, or `null`. */
  readonly replayOf: string | null;
}

/**
 * One HTTP attempt of a delivery.
 *
 * @example
 * ```ts
 * const { data } = await client.deliveries.get(endpointId, deliveryId);
 * for (const attempt of data.attempts) console.log(attempt.attempt, attempt.httpStatus, attempt.durationMs);
 * ```
 */
export interface DeliveryAttempt {
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** RFC 3339. */
  readonly startedAt: string;
  /** Milliseconds. */
  readonly durationMs: number;
  readonly httpStatus: number | null;
  readonly failureReason: string | null;
  /** The receiver's response body, up to 4 KiB. */
  readonly responseBody: string;
}

/**
 * The answer of `deliveries.get`: the delivery and its attempts, oldest first.
 *
 * @example
 * ```ts
 * const { data: detail } = await client.deliveries.get(endpointId, deliveryId);
 * detail.delivery.status; // 'FAILED'
 * detail.attempts.length; // 3
 * ```
 */
export interface DeliveryDetail {
  readonly delivery: WebhookDelivery;
  readonly attempts: readonly DeliveryAttempt[];
}

/**
 * Where a page of history sits in the whole (zero-based pages).
 *
 * @example
 * ```ts
 * const { data: page } = await client.deliveries.list(endpointId, { page: 0, size: 50 });
 * if (page.pagination.hasNext) await client.deliveries.list(endpointId, { page: 1, size: 50 });
 * ```
 */
export interface Pagination {
  readonly page: number;
  readonly size: number;
  readonly totalElements: number;
  readonly totalPages: number;
  readonly hasNext: boolean;
  readonly hasPrevious: boolean;
}

/**
 * One page of delivery history.
 *
 * @example
 * ```ts
 * const { data: page } = await client.deliveries.list(endpointId);
 * console.log(`${page.data.length} of ${page.pagination.totalElements}`);
 * ```
 */
export interface DeliveryPage {
  readonly data: readonly WebhookDelivery[];
  readonly pagination: Pagination;
}

/**
 * The answer of `events.publish`: the stored event and how many deliveries it made.
 *
 * @example
 * ```ts
 * const { data: event } = await client.events.publish(input);
 * console.log(event.id, event.deliveries); // evt_…, how many endpoints it matched
 * ```
 */
export interface PublishedEvent {
  /** `evt_…`: every delivery of the event carries it. */
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  /** RFC 3339. */
  readonly createdAt: string;
  /** Deliveries created (pending, or parked on a paused endpoint). */
  readonly deliveries: number;
}

/**
 * The answer of `endpoints.rotateSecret`: the new secret, shown only here.
 *
 * @example
 * ```ts
 * const { data } = await client.endpoints.rotateSecret(endpointId);
 * await secrets.store(endpointId, data.secret); // shown in this answer only
 * ```
 */
export interface RotatedSecret {
  readonly secret: string;
}

/**
 * The answer of `deliveries.recover`.
 *
 * @example
 * ```ts
 * const { data } = await client.deliveries.recover(endpointId, { since: outageStartedAt });
 * console.log(`${data.replayed} deliveries sent again`);
 * ```
 */
export interface RecoverResult {
  /** FAILED deliveries replayed, each as a new delivery. */
  readonly replayed: number;
}
