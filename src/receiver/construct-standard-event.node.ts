import type { AnyWebhookEvent, WebhookEvent } from '../core/catalog/webhook-event.js';
import { verifyStandardWebhook } from '../signature/verify-standard-webhook.node.js';
import {
  type ConstructEventOptions,
  finishConstruct,
  prepareConstruct,
  type StrictConstructEventOptions,
} from './construct-event.js';
import type { HeadersInput } from './headers.js';

/**
 * Verifies a Novatrade24 event delivered in the Standard Webhooks format
 * (`STANDARD_WEBHOOKS_PROFILE`) and returns it typed: checks `webhook-id`, `webhook-timestamp` and
 * `webhook-signature` over the raw body (tolerance, several secrets for rotation), parses the
 * JSON, validates the envelope and the event's `data` with zod, and checks `schemaVersion`
 * against the versions you accept. Synchronous, on `node:crypto`; `constructStandardEventAsync`
 * (in `/web` and `/receiver`) is the WebCrypto twin with the same checks and codes. The options
 * are `constructEvent`'s (docs/design.md §5.22).
 *
 * The event's `id` is the `webhook-id` this library's sender sends, so deduplicate on either.
 *
 * @param rawBody - the raw request body exactly as received (string, Uint8Array or Buffer). A
 *   parsed object is refused with a message that says how to get the raw body in Express,
 *   Fastify, Next.js and Hono.
 * @param headers - the request headers: a `Headers`, Node's `req.headers` or a plain record, any
 *   case.
 * @param secret - the endpoint's secret (`whsec_` + base64), or up to 8 during a rotation.
 * @param options - `toleranceSeconds` (default 300), `now` (epoch ms), `strict` (default false),
 *   `acceptedSchemaVersions` (default: any).
 * @returns the event: a `WebhookEvent` (narrow with `isKnownEvent`) or, in lenient mode, an
 *   `UnknownWebhookEvent` for a type this SDK does not know.
 * @throws WebhookVerificationError `invalid_payload_type`, `missing_header`, `malformed_header`,
 *   `no_supported_signature`, `timestamp_too_old`, `timestamp_too_new`, `signature_mismatch`.
 * @throws WebhookValidationError `invalid_json`, `invalid_event` (with field `issues`),
 *   `unknown_event_type` and `unsupported_schema_version` (strict, or outside
 *   `acceptedSchemaVersions`), `invalid_secret`, `invalid_option`.
 * @example
 * ```ts
 * app.post('/webhooks', express.raw({ type: 'application/json' }), (req, res) => {
 *   const event = constructStandardEvent(req.body, req.headers, process.env.WEBHOOK_SECRET!);
 *   if (isKnownEvent(event) && event.type === 'compliance.decision_made') {
 *     book(event.data.orderUuid, event.data.decision);
 *   }
 *   res.sendStatus(200);
 * });
 * ```
 */
export function constructStandardEvent(
  rawBody: string | Uint8Array,
  headers: HeadersInput,
  secret: string | readonly string[],
  options: StrictConstructEventOptions,
): WebhookEvent;
/** Lenient (or `strict` not known statically): the event may be an `UnknownWebhookEvent`. */
export function constructStandardEvent(
  rawBody: string | Uint8Array,
  headers: HeadersInput,
  secret: string | readonly string[],
  options?: ConstructEventOptions,
): AnyWebhookEvent;
export function constructStandardEvent(
  rawBody: string | Uint8Array,
  headers: HeadersInput,
  secret: string | readonly string[],
  options?: ConstructEventOptions,
): AnyWebhookEvent {
  // The shared checks of constructEvent (raw body, headers, options); its signature header is
  // not used here: the three Standard Webhooks headers are read by the verifier.
  const prepared = prepareConstruct(rawBody, headers, options, 'constructStandardEvent');
  verifyStandardWebhook(rawBody, headers, secret, prepared.verifyOptions);
  return finishConstruct(rawBody, prepared, options, 'constructStandardEvent');
}
