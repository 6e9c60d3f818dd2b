/**
 * The sender's observability hooks: typed events a host app forwards to its logs or metrics
 * (`sender.on('delivery.failed', …)`). Listeners run synchronously after the state they describe
 * is stored; a listener's error is logged and swallowed, never changes what the sender does.
 * Payloads never hold a secret or a signature.
 *
 * The payloads are the public views, the objects history and the endpoint methods return
 * (`DeliveryView`, `AttemptView`, `EndpointView`), with their names: `httpStatus`, ISO 8601
 * `startedAt`, `nextRetryAt`, `lastFailureReason` (docs/design.md §5.25). The storage records
 * (`statusCode`, `startedAtMs`, …) stay behind the storage port.
 */

import type { AttemptView, DeliveryView } from './delivery-view.js';
import type { EndpointView } from './endpoint-view.js';
import type { EventRecord } from './records.js';

/**
 * The payload of the `delivery.*` hooks: the delivery as history shows it after the attempt, and
 * the attempt as `getDelivery` lists it. One object per attempt, shared by `delivery.attempted`
 * and the outcome hook, built only when one of them has a listener.
 */
export interface DeliveryAttemptPayload {
  /** The delivery after the attempt: `status`, `attempts`, `nextRetryAt`, `lastFailureReason`, … */
  readonly delivery: DeliveryView;
  /** The attempt: `attempt` (1 for the first), `startedAt`, `durationMs`, `httpStatus`, … */
  readonly attempt: AttemptView;
  /**
   * Where the attempt went: the origin (`https://partner.example`, `http://127.0.0.1:8081`:
   * scheme, host and port) of the endpoint's URL when it was sent, never its path or query, which
   * may carry a token. For logs, metrics and spans.
   */
  readonly origin: string;
}

/** Every hook and its payload. */
export interface SenderEventMap {
  /**
   * An event was stored with its deliveries: what `publish` returns, `{ event, deliveries }`
   * (`deliveries` counts parked ones too). Meta-events the sender emits itself come here too.
   */
  'event.published': { readonly event: EventRecord; readonly deliveries: number };
  /** One attempt finished (any outcome; a request that could not be built is `INTERNAL_ERROR`). */
  'delivery.attempted': DeliveryAttemptPayload;
  /** A delivery got a 2xx. */
  'delivery.succeeded': DeliveryAttemptPayload;
  /** An attempt failed and another is scheduled at `delivery.nextRetryAt`. */
  'delivery.retry_scheduled': DeliveryAttemptPayload;
  /** A delivery ended FAILED (retries exhausted, a failed test fire, or parked mid-flight). */
  'delivery.failed': DeliveryAttemptPayload;
  /** The health policy paused (Novatrade24) or disabled (EUDR) an endpoint. */
  'endpoint.paused': {
    /** The endpoint after the transition (`status` PAUSED or DISABLED). */
    readonly endpoint: EndpointView;
    readonly reason: 'CONSECUTIVE_FAILURES' | 'FAILURE_DURATION';
  };
  /**
   * Something failed and the sender carried on: a hook listener, the notifier, a meta-event, a
   * storage call of the dispatch loop, a transport that threw, or a request that could not be
   * built. `during` names the call (`'profile.buildHeaders'`, `'storage.claimDue'`,
   * `'hook delivery.attempted'`, …); the ids say which delivery and endpoint, when there is one.
   */
  'sender.error': {
    readonly error: unknown;
    readonly during: string;
    readonly endpointId?: string | undefined;
    readonly deliveryId?: string | undefined;
  };
}

/** A hook's name. */
export type SenderEventName = keyof SenderEventMap;

/** A hook listener. */
export type SenderListener<K extends SenderEventName> = (payload: SenderEventMap[K]) => void;
