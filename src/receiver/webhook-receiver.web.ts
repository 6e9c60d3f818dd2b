import { WEB_CRYPTO_PLATFORM } from './platform/web-platform.js';
import { WebhookReceiverBase, type WebhookReceiverOptions } from './webhook-receiver.js';

/**
 * Receives Novatrade24 webhooks: verifies `X-Novatrade-Signature`, parses and validates the
 * event, drops duplicates (by event id), acknowledges, and runs your typed handlers. Plug it into
 * any framework with `toNodeListener`, `expressHandler`, `fastifyWebhooks` or `fetchHandler`.
 *
 * This is the WebCrypto build (from `@novatrade24/webhooks/web`); the one exported by
 * `@novatrade24/webhooks/receiver` is the same receiver on synchronous `node:crypto`. Each entry
 * point binds its crypto: the constructor takes only `options`.
 *
 * Failures are logged (docs/design.md §5.23): warnings and errors go to `console.error` as one
 * JSON line each unless `logger` says otherwise (`'silent'`, or your logger).
 *
 * @throws WebhookValidationError at construction: `invalid_secret`, or `invalid_option` naming
 *   the option (an unknown option is named with the nearest known one).
 * @example
 * ```ts
 * const receiver = new WebhookReceiver({ secret: process.env.NOVATRADE_WEBHOOK_SECRET! })
 *   .on('compliance.decision_made', (event) => book(event.data.orderUuid, event.data.decision))
 *   .on('kyc.*', (event) => kyc.refresh(event.data.buyerUuid))
 *   .onAny((event) => log.info({ id: event.id, type: event.type }, 'webhook'));
 * export default { fetch: fetchHandler(receiver) };
 * ```
 */
export class WebhookReceiver extends WebhookReceiverBase {
  /** @param options - see `WebhookReceiverOptions`. */
  constructor(options: WebhookReceiverOptions) {
    super(options, WEB_CRYPTO_PLATFORM);
  }
}
