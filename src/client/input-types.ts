// What the client sends: request bodies and the history query, written from the server's zod
// request schemas (test/unit/client/resource-types.test.ts checks them against z.input and the
// OpenAPI document). The server validates every field and answers 422 `validation-error` with
// `errors[]`; the client checks only what would change the request line (path ids).

import type { EventSource } from '../core/catalog/enum-values.js';
import type { EventDataMap } from '../core/catalog/event-data.js';
import type { WebhookDeliveryStatus, WebhookEndpointStatus } from './resource-types.js';

/**
 * A data map without static types: any event type name, any object as `data`. Give it to
 * `createWebhooksClient<UntypedEventDataMap>()` when event types are known only at run time (the
 * same shape as the sender's `UntypedEventDataMap`).
 *
 * @example
 * ```ts
 * // Event types known only at run time (a custom catalog loaded from configuration):
 * const client = createWebhooksClient<UntypedEventDataMap>({ baseUrl, auth });
 * await client.events.publish({ type: typeFromConfig, data: payload });
 * ```
 */
export type UntypedEventDataMap = { readonly [type: string]: Readonly<Record<string, unknown>> };

/**
 * The event types of a data map `D`: its string keys.
 *
 * @example
 * ```ts
 * type NovatradeType = ClientEventType<EventDataMap>; // 'compliance.decision_made' | …
 * ```
 */
export type ClientEventType<D> = Extract<keyof D, string>;

/**
 * The body of `endpoints.create` (`POST /v1/webhooks`).
 *
 * @example
 * ```ts
 * const input: CreateWebhookEndpointInput = {
 *   url: 'https://partner.example/webhooks/novatrade',
 *   events: ['compliance.*', 'kyc.vies_check_failed'],
 * };
 * ```
 */
export interface CreateWebhookEndpointInput {
  /** An `https:` URL, at most 2048 characters. */
  readonly url: string;
  /** 1 to 100 exact event types or segment wildcards (`kyc.*`); the root `*` is refused. */
  readonly events: readonly string[];
  /** Up to 1000 partner UUIDs; absent or `null`: every partner. */
  readonly partnerIds?: readonly string[] | null | undefined;
  /** Your own signing secret (16 to 256 visible ASCII characters); else one is generated. */
  readonly secret?: string | undefined;
  /** Up to 500 characters. */
  readonly description?: string | null | undefined;
  /** 1 to 20 schema versions. @default the catalog's current versions */
  readonly acceptedSchemaVersions?: readonly number[] | undefined;
}

/**
 * The body of `endpoints.update` (`PATCH /v1/webhooks/{id}`), a JSON merge patch: each field given
 * replaces the stored value whole; `partnerIds: null` clears the filter.
 *
 * @example
 * ```ts
 * await client.endpoints.update(endpointId, { events: ['compliance.*'], partnerIds: null });
 * ```
 */
export interface UpdateWebhookEndpointInput {
  readonly url?: string | undefined;
  readonly events?: readonly string[] | undefined;
  readonly partnerIds?: readonly string[] | null | undefined;
  readonly description?: string | null | undefined;
  readonly acceptedSchemaVersions?: readonly number[] | undefined;
  /** `ACTIVE` resumes a PAUSED or DISABLED endpoint and replays nothing by itself. */
  readonly status?: WebhookEndpointStatus | undefined;
}

/**
 * The body of `endpoints.test` (`POST /v1/webhooks/{id}/test`): an event type of the catalog and
 * its `data`, typed by `D` as `WebhookSender.publish` types them.
 *
 * @typeParam D - the event data types by type (`EventDataMap`, the Novatrade24 catalog, by default).
 * @typeParam T - the event type; inferred from the literal `eventType`.
 *
 * @example
 * ```ts
 * await client.endpoints.test(endpointId, {
 *   eventType: 'compliance.decision_made',
 *   data: { orderUuid: '00000000-0000-0000-0000-000000000000', decision: 'VALID_EXPORT' },
 * });
 * ```
 */
export interface TestFireInput<
  D = EventDataMap,
  T extends ClientEventType<D> = ClientEventType<D>,
> {
  readonly eventType: T;
  /** Valid for the type's latest schema version; use recognisably synthetic UUIDs. */
  readonly data: D[T];
  /** The envelope's partner. @default the all-zero UUID */
  readonly partnerUuid?: string | undefined;
}

/**
 * The body of `endpoints.rotateSecret` (`POST /v1/webhooks/{id}/rotate-secret`).
 *
 * @example
 * ```ts
 * await client.endpoints.rotateSecret(endpointId, { overlapMs: 3_600_000 }); // old secret signs 1 h more
 * ```
 */
export interface RotateSecretInput {
  /**
   * How long the current secrets keep signing next to the new one, ms (0 to 7 days; 0 ends them
   * now). @default 86_400_000 (24 h)
   */
  readonly overlapMs?: number | undefined;
  /** Your own new secret (16 to 256 visible ASCII characters); else one is generated. */
  readonly secret?: string | undefined;
}

/**
 * The body of `deliveries.recover` (`POST /v1/webhooks/{id}/deliveries/recover`).
 *
 * @example
 * ```ts
 * await client.deliveries.recover(endpointId, { since: '2026-05-01T00:00:00Z', until: new Date() });
 * ```
 */
export interface RecoverDeliveriesInput {
  /** Inclusive start of the creation range: RFC 3339 with an offset, or a `Date`. */
  readonly since: string | Date;
  /** Exclusive end. @default now */
  readonly until?: string | Date | undefined;
}

/**
 * A history sort: a field, then `,asc` or `,desc`.
 *
 * @default 'createdAt,desc'
 * @example
 * ```ts
 * // Oldest first: deliveries created while iterating come last, none twice.
 * client.deliveries.listAll(endpointId, { sort: 'createdAt,asc' });
 * ```
 */
export type DeliverySort = `${'createdAt' | 'lastAttemptAt'}${'' | ',asc' | ',desc'}`;

/**
 * The query of `deliveries.list` (`GET /v1/webhooks/{id}/deliveries`; docs/design.md §5.11).
 *
 * @example
 * ```ts
 * await client.deliveries.list(endpointId, { status: 'FAILED', since: new Date(Date.now() - 86_400_000), size: 100 });
 * ```
 */
export interface DeliveryListQuery {
  /** Only deliveries in this status. */
  readonly status?: WebhookDeliveryStatus | undefined;
  /** Only deliveries created after this time (exclusive): RFC 3339 or a `Date`. */
  readonly since?: string | Date | undefined;
  /** Zero-based. @default 0 */
  readonly page?: number | undefined;
  /** 1 to 100. @default 20 */
  readonly size?: number | undefined;
  /** @default 'createdAt,desc' */
  readonly sort?: DeliverySort | undefined;
}

/**
 * The body of `events.publish` (`POST /v1/events`): an event type of the catalog and its `data`.
 * `type` narrows `data`, as in `WebhookSender.publish`. The organization is the caller's.
 *
 * @typeParam D - the event data types by type (`EventDataMap` by default).
 * @typeParam T - the event type; inferred from the literal `type`.
 * @example
 * ```ts
 * const input: PublishEventInput<EventDataMap, 'compliance.decision_made'> = {
 *   type: 'compliance.decision_made', partnerUuid,
 *   data: { orderUuid, decision: 'VALID_EXPORT' },
 * };
 * ```
 */
export interface PublishEventInput<
  D = EventDataMap,
  T extends ClientEventType<D> = ClientEventType<D>,
> {
  readonly type: T;
  /** Valid for the type's latest schema version (the server checks it: 422 otherwise). */
  readonly data: D[T];
  /** The partner the event concerns: required for partner events, `null` for organization ones. */
  readonly partnerUuid?: string | null | undefined;
  /** @default 'SYSTEM' */
  readonly source?: EventSource | undefined;
}
