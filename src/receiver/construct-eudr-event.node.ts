import type { AnyEudrWebhookEvent, EudrWebhookEvent } from '../core/catalog/eudr-webhook-event.js';
import { verifyEudrSignature } from '../signature/verify-eudr-signature.node.js';
import {
  type ConstructEudrEventOptions,
  finishEudrConstruct,
  prepareEudrConstruct,
  type StrictConstructEudrEventOptions,
} from './construct-eudr-event.js';
import type { HeadersInput } from './headers.js';

/**
 * Verifies an N'entropy EUDR webhook (`X-Webhook-Signature`, inferred scheme `sha256=<hex>` over
 * the raw body, docs/design.md §7, N-1) and returns its typed event `{ event, timestamp, integrationId, data }`.
 * Synchronous, on `node:crypto`. The payload has no event id: dedupe on the SHA-256 of the raw
 * body (docs/design.md §5.16; `EudrWebhookReceiver` does it for you).
 *
 * @param rawBody - the raw request body exactly as received.
 * @param headers - the request headers, any case.
 * @param secret - the webhook secret, or up to 8 during a rotation.
 * @param options - `toleranceSeconds` (turns on a window on `X-Webhook-Timestamp`; default off),
 *   `now` (epoch ms), `strict` (default false).
 * @returns an `EudrWebhookEvent`, or in lenient mode an `UnknownEudrWebhookEvent`.
 * @throws WebhookVerificationError `invalid_payload_type`, `missing_header`, `malformed_header`,
 *   `signature_mismatch`; with a window also `timestamp_too_old`, `timestamp_too_new`.
 * @throws WebhookValidationError `invalid_json`, `invalid_event`, `unknown_event_type` (strict),
 *   `invalid_secret`, `invalid_option`.
 * @example
 * ```ts
 * const event = constructEudrEvent(req.body, req.headers, process.env.EUDR_WEBHOOK_SECRET!);
 * if (isKnownEudrEvent(event) && event.event === 'sync.failed') alert(event.data.message);
 * ```
 */
export function constructEudrEvent(
  rawBody: string | Uint8Array,
  headers: HeadersInput,
  secret: string | readonly string[],
  options: StrictConstructEudrEventOptions,
): EudrWebhookEvent;
/** Lenient (or `strict` not known statically): the event may be an `UnknownEudrWebhookEvent`. */
export function constructEudrEvent(
  rawBody: string | Uint8Array,
  headers: HeadersInput,
  secret: string | readonly string[],
  options?: ConstructEudrEventOptions,
): AnyEudrWebhookEvent;
export function constructEudrEvent(
  rawBody: string | Uint8Array,
  headers: HeadersInput,
  secret: string | readonly string[],
  options?: ConstructEudrEventOptions,
): AnyEudrWebhookEvent {
  const prepared = prepareEudrConstruct(rawBody, headers, options, 'constructEudrEvent');
  verifyEudrSignature(rawBody, prepared.header, secret, prepared.verifyOptions);
  return finishEudrConstruct(rawBody, options);
}
