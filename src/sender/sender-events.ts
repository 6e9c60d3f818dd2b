/**
 * The sender's observability hooks: typed events a host app forwards to its logs or metrics
 * (`sender.on('delivery.failed', …)`). Listeners run synchronously after the state they describe
 * is stored; a listener's error is logged and swallowed, never changes what the sender does.
 * Payloads never hold a secret, a signature or a body.
 */

import type { EndpointView } from './endpoint-view.js';
import type { AttemptRecord, DeliveryRecord, EventRecord } from './records.js';

/** Every hook and its payload. */
export interface SenderEventMap {
  /** An event was stored with its deliveries (`deliveries` counts parked ones too). */
  'event.published': { readonly event: EventRecord; readonly deliveries: number };
  /** One HTTP attempt finished (any outcome). */
  'delivery.attempted': { readonly delivery: DeliveryRecord; readonly attempt: AttemptRecord };
  /** A delivery got a 2xx. */
  'delivery.succeeded': { readonly delivery: DeliveryRecord; readonly attempt: AttemptRecord };
  /** An attempt failed and another is scheduled at `delivery.nextAttemptAtMs`. */
  'delivery.retry_scheduled': {
    readonly delivery: DeliveryRecord;
    readonly attempt: AttemptRecord;
  };
  /** A delivery ended FAILED (retries exhausted, a failed test fire, or parked mid-flight). */
  'delivery.failed': { readonly delivery: DeliveryRecord; readonly attempt: AttemptRecord };
  /** The health policy paused (Novatrade24) or disabled (EUDR) an endpoint. */
  'endpoint.paused': {
    readonly endpoint: EndpointView;
    readonly reason: 'CONSECUTIVE_FAILURES' | 'FAILURE_DURATION';
  };
  /** A hook listener, the notifier or a meta-event failed; the sender carried on. */
  'sender.error': { readonly error: unknown; readonly during: string };
}

/** A hook's name. */
export type SenderEventName = keyof SenderEventMap;

/** A hook listener. */
export type SenderListener<K extends SenderEventName> = (payload: SenderEventMap[K]) => void;
