/**
 * What every framework adapter (`toNodeListener`, `expressHandler`, `fastifyWebhooks`,
 * `fetchHandler`) plugs into: the receiver's `handle`, its body limit and its 413 answer. Both
 * `WebhookReceiver` and `EudrWebhookReceiver`, in the node:crypto and the WebCrypto builds, fit.
 */

import type { ReceiverRequest, ReceiverResponse } from '../receiver-request.js';

/**
 * A receiver as the framework adapters see it. `WebhookReceiver` and `EudrWebhookReceiver` (both
 * builds) implement it; implement it yourself to put your own pipeline behind an adapter.
 *
 * @example
 * ```ts
 * const target: WebhookHandlerTarget = new WebhookReceiver({ secret });
 * http.createServer(toNodeListener(target)).listen(3000);
 * ```
 */
export interface WebhookHandlerTarget {
  /**
   * Largest accepted body, in bytes (a positive integer). Adapters stop reading past it and
   * answer {@link WebhookHandlerTarget.tooLarge}.
   */
  readonly maxBodyBytes: number;
  /** Answers one request whose raw body has been read. Must not throw (failures are answers). */
  handle(request: ReceiverRequest): Promise<ReceiverResponse>;
  /** The 413 answer (`payload_too_large`), for a body an adapter stopped reading. */
  tooLarge(): ReceiverResponse;
}
