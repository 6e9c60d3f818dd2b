import { NODE_CRYPTO_PLATFORM } from './platform/node-platform.node.js';
import { WebhookReceiverBase, type WebhookReceiverOptions } from './webhook-receiver.js';

/**
 * Receives Novatrade24 webhooks on synchronous `node:crypto` (about 10x faster per signature than
 * WebCrypto on Node). Same API as the WebCrypto class in `/web`; see that class for the details.
 * The constructor takes only `options`: the entry point binds the crypto.
 * Warnings and errors are logged to `process.stderr`, one JSON line each, unless `logger` says
 * otherwise (docs/design.md §5.23).
 *
 * @throws WebhookValidationError at construction: `invalid_secret`, or `invalid_option`.
 * @example
 * ```ts
 * import { WebhookReceiver, toNodeListener } from '@novatrade24/webhooks/receiver';
 * const receiver = new WebhookReceiver({ secret: process.env.NOVATRADE_WEBHOOK_SECRET! })
 *   .on('compliance.decision_made', (event) => book(event.data.orderUuid, event.data.decision));
 * http.createServer(toNodeListener(receiver)).listen(3000);
 * ```
 */
export class WebhookReceiver extends WebhookReceiverBase {
  /** @param options - see `WebhookReceiverOptions`. */
  constructor(options: WebhookReceiverOptions) {
    super(options, NODE_CRYPTO_PLATFORM);
  }
}
