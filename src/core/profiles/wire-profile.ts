import type { EventSource, OpenEnum } from '../catalog/enum-values.js';
import type { UntypedEventDataMap } from '../catalog/event-catalog.js';
import type { HealthPolicy } from '../retry/health-policy.js';
import type { RetryPolicy } from '../retry/retry-policy.js';
import type { HmacSha256Base64 } from '../signature/hmac-sha256-base64.js';
import type { HmacSha256Hex } from '../signature/hmac-sha256-hex.js';
import type { SecretFormat } from './secret-format.js';

/**
 * An event as a sender holds it: the envelope's facts with the creation time in epoch ms. A wire
 * profile turns it into the body its receivers expect.
 */
export interface OutboundEvent {
  /** `evt_…`; kept on replay (docs/design.md §5.9). */
  readonly id: string;
  /** Event type, e.g. `compliance.status_changed` or `supplier.created`. */
  readonly type: string;
  /** Version of `data` (after negotiation for the endpoint, docs/design.md §5.7). */
  readonly schemaVersion: number;
  /** `API`, `WEB_APP` or `SYSTEM`. */
  readonly source: OpenEnum<EventSource>;
  /** When the event was created, epoch ms. */
  readonly createdAtMs: number;
  /** The organization (Novatrade24) or integration (EUDR) the event belongs to. */
  readonly organizationUuid: string;
  /** The trade partner, or `null` for organization-level events. */
  readonly partnerUuid: string | null;
  /** The payload, already in `schemaVersion`'s shape. */
  readonly data: Readonly<Record<string, unknown>>;
}

/** Everything a profile needs to sign one delivery attempt. Signing happens at send time. */
export interface SigningContext {
  /** The event the body was serialized from. */
  readonly event: OutboundEvent;
  /** The endpoint's id (`wh_…`). */
  readonly endpointId: string;
  /** This delivery's id (`del_…`). */
  readonly deliveryId: string;
  /**
   * The endpoint's live secrets, newest first. Novatrade24 signs with each (one `v1=` per secret
   * during a rotation, docs/design.md §5.6); EUDR's single-value header uses the newest.
   */
  readonly secrets: readonly string[];
  /** The send time, epoch ms (the Novatrade24 `t=` is its Unix second). */
  readonly nowMs: number;
  /** The platform's HMAC-SHA256 primitive (e.g. `nodeHmacSha256Hex`). */
  readonly hmac: HmacSha256Hex;
  /**
   * The platform's byte-key HMAC-SHA256 primitive with a base64 digest (e.g.
   * `nodeHmacSha256Base64`). Required by `STANDARD_WEBHOOKS_PROFILE`, whose key is the
   * base64-decoded secret (docs/design.md §5.22); the other profiles ignore it.
   */
  readonly hmacBase64?: HmacSha256Base64 | undefined;
}

/**
 * A wire profile: how an event becomes an HTTP request for one family of receivers, and the
 * retry, health and timeout policies that go with it (docs/design.md §4). Data plus pure functions:
 * no I/O, no clock, no randomness.
 *
 * @typeParam D - the static `data` types of the profile's catalog, by event type (`EventDataMap`
 *   for `NOVATRADE_PROFILE` and `STANDARD_WEBHOOKS_PROFILE`, `EudrEventDataMap` for
 *   `EUDR_PROFILE`): a `WebhookSender` on the profile types `publish` with them
 *   (docs/design.md §5.24). The default, `UntypedEventDataMap`, accepts any profile.
 */
export interface WireProfile<D = UntypedEventDataMap> {
  /** Short name, e.g. `novatrade` or `eudr`. */
  readonly name: string;
  /** The catalog of event types endpoints may subscribe to (validates subscription patterns). */
  readonly eventTypes: readonly string[];
  /** When failed attempts are retried. */
  readonly retryPolicy: RetryPolicy;
  /** When a failing endpoint is paused or disabled. */
  readonly healthPolicy: HealthPolicy;
  /** How long one attempt may take, ms, before it counts as a failure. */
  readonly timeoutMs: number;
  /**
   * The format of this profile's secrets, when its scheme needs one (Standard Webhooks: `whsec_`
   * + standard base64). Absent: any 16 to 256 visible ASCII characters.
   */
  readonly secretFormat?: SecretFormat | undefined;
  /**
   * The request body for `event`. Deterministic: a sender calls it once per event and schema
   * version and reuses the string for every endpoint (and every retry).
   */
  serializeBody(event: OutboundEvent): string;
  /** The headers of one attempt, signature included, for a body from {@link serializeBody}. */
  buildHeaders(body: string, context: SigningContext): Record<string, string>;
  /** Type-only, never set at run time: carries `D` (see `EventDataMapOf`). */
  readonly '~eventData'?: D;
}

/** One ready-to-send request. */
export interface DeliveryRequest {
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Serializes and signs one delivery with `profile`: the convenience for a single request (a
 * sender serializes once per event and calls `profile.buildHeaders` per attempt instead).
 *
 * @example
 * ```ts
 * const { body, headers } = buildDeliveryRequest(NOVATRADE_PROFILE, {
 *   event, endpointId: 'wh_…', deliveryId: 'del_…', secrets: [secret], nowMs: Date.now(),
 *   hmac: nodeHmacSha256Hex,
 * });
 * ```
 */
export function buildDeliveryRequest(
  profile: WireProfile,
  context: SigningContext,
): DeliveryRequest {
  const body = profile.serializeBody(context.event);
  return { body, headers: profile.buildHeaders(body, context) };
}
