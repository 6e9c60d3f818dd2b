import {
  EudrWebhookReceiverBase,
  type EudrWebhookReceiverOptions,
} from './eudr-webhook-receiver.js';
import { WEB_CRYPTO_PLATFORM } from './platform/web-platform.js';

/**
 * Receives N'entropy EUDR webhooks: verifies `X-Webhook-Signature` (inferred scheme,
 * docs/design.md §7, N-1), parses `{ event, timestamp, integrationId, data }`, dedupes on the
 * SHA-256 of the raw body, acknowledges and runs typed handlers. Same adapters, ack modes, stores
 * and logging as `WebhookReceiver`.
 *
 * This is the WebCrypto build (from `@novatrade24/webhooks/web`); `@novatrade24/webhooks/receiver`
 * exports the same receiver on `node:crypto`. The constructor takes only `options`.
 *
 * @throws WebhookValidationError at construction: `invalid_secret`, or `invalid_option` naming
 *   the option (an unknown option is named with the nearest known one).
 * @example
 * ```ts
 * const receiver = new EudrWebhookReceiver({ secret: env.EUDR_WEBHOOK_SECRET })
 *   .on('supplier.created', (event) => link(event.data.externalId, event.data.internalId))
 *   .on('dds.*', (event) => dds.refresh(event.data));
 * export default { fetch: fetchHandler(receiver) };
 * ```
 */
export class EudrWebhookReceiver extends EudrWebhookReceiverBase {
  /** @param options - see `EudrWebhookReceiverOptions`. */
  constructor(options: EudrWebhookReceiverOptions) {
    super(options, WEB_CRYPTO_PLATFORM);
  }
}
