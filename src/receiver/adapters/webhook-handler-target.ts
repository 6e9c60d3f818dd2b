/**
 * What every framework adapter (`toNodeListener`, `expressHandler`, `fastifyWebhooks`,
 * `fetchHandler`) plugs into: the receiver's `handle`, its body limit and its 413 answer. Both
 * `WebhookReceiver` and `EudrWebhookReceiver`, in the node:crypto and the WebCrypto builds, fit.
 */

import type { ReceiverRequest, ReceiverResponse } from '../receiver-request.js';

/**
 * What an adapter passes to {@link WebhookHandlerTarget.handle} besides the request: how to keep
 * the work that follows the answer alive on a runtime that ends a request with its response.
 *
 * @example
 * ```ts
 * // A Cloudflare Worker: the 202's processing runs under the request's ExecutionContext.
 * const answer = await receiver.handle(request, { waitUntil: (work) => ctx.waitUntil(work) });
 * ```
 */
export interface WebhookHandleOptions {
  /**
   * Called at most once, before `handle` resolves, with the work that follows the answer, when
   * there is some: in `ackMode: 'async'`, the run of the handlers of the event just queued (202),
   * up to its `Inbox.complete` or `Inbox.fail`. The promise never rejects (failures are reported
   * to `onError` and the logger) and settles once that work is done. Pass the runtime's
   * `waitUntil` (Workers' `ctx.waitUntil`, Vercel's `waitUntil`): without it a runtime that ends
   * the request with its response (workerd) drops the work, and the entry waits in the inbox for
   * `drainInbox()`. Not called for any other answer (sync mode, a duplicate, a rejection).
   */
  readonly waitUntil?: ((work: Promise<void>) => void) | undefined;
}

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
  /**
   * Answers one request whose raw body has been read. Must not throw (failures are answers).
   * `options.waitUntil`, when given, receives the work that follows the answer
   * ({@link WebhookHandleOptions}); a target with no such work may ignore it.
   */
  handle(request: ReceiverRequest, options?: WebhookHandleOptions): Promise<ReceiverResponse>;
  /** The 413 answer (`payload_too_large`), for a body an adapter stopped reading. */
  tooLarge(): ReceiverResponse;
}
