import {
  EudrWebhookReceiverBase,
  type EudrWebhookReceiverOptions,
} from './eudr-webhook-receiver.js';
import { NODE_CRYPTO_PLATFORM } from './platform/node-platform.node.js';

/**
 * Receives N'entropy EUDR webhooks on synchronous `node:crypto`. Same API as the WebCrypto class
 * in `/web`; warnings and errors are logged to `process.stderr` unless `logger` says otherwise. The
 * constructor takes only `options`: the entry point binds the crypto.
 *
 * @throws WebhookValidationError at construction: `invalid_secret`, or `invalid_option`.
 * @example
 * ```ts
 * const receiver = new EudrWebhookReceiver({ secret: process.env.EUDR_WEBHOOK_SECRET! })
 *   .on('sync.failed', (event) => alert(event.data.message));
 * ```
 */
export class EudrWebhookReceiver extends EudrWebhookReceiverBase {
  /** @param options - see `EudrWebhookReceiverOptions`. */
  constructor(options: EudrWebhookReceiverOptions) {
    super(options, NODE_CRYPTO_PLATFORM);
  }
}
