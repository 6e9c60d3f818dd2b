/**
 * The Express adapter (Express 4 and 5). Typed structurally: it needs neither `express` nor
 * `@types/express`, and imports nothing from them at runtime.
 */

import { assertWebhookHandlerTarget } from './internal/adapter-kit.js';
import { serveNodeRequest } from './internal/serve-node-request.js';
import type { NodeRequestLike, NodeResponseLike } from './node-listener.js';
import type { WebhookHandlerTarget } from './webhook-handler-target.js';

/** The parts of an Express `Request` the handler uses (any Express version). */
export type ExpressLikeRequest = NodeRequestLike;

/** The parts of an Express `Response` the handler uses. */
export type ExpressLikeResponse = NodeResponseLike;

/** Express's `next`: called with an error only on an unexpected failure. */
export type ExpressLikeNext = (error?: unknown) => void;

/** An Express request handler, as {@link expressHandler} returns it. */
export type ExpressLikeHandler = (
  req: ExpressLikeRequest,
  res: ExpressLikeResponse,
  next: ExpressLikeNext,
) => void;

/**
 * Adapts a receiver to Express: returns a request handler for the webhook route. It answers
 * every request itself (200/202 on success, problem+json otherwise) and calls `next(error)` only
 * on an unexpected failure (a response already sent by earlier middleware, a throwing custom
 * `handle`). No body parser is needed.
 *
 * The raw body is taken from the first of these that applies:
 * - `req.body` as a Buffer or string, e.g. from `express.raw({ type: 'application/json' })`.
 *   body-parser hands a body over its own `limit` (100 kB by default) to your error handler as a
 *   413 `entity.too.large` error that never reaches the receiver, so give it a `limit` of at
 *   least `receiver.maxBodyBytes` (the receiver answers 413 problem+json above its own limit).
 * - `req.rawBody` as a Buffer or string (Google Cloud Functions, Firebase, or your own
 *   `express.json({ verify: (req, res, buf) => { req.rawBody = buf } })`).
 * - the request stream, when no parser read it (no body parser, or one that skipped this content
 *   type): read here, at most `receiver.maxBodyBytes` bytes; a longer body stops being read and
 *   is answered 413 with `connection: close`.
 *
 * If `express.json()` (or any parser) consumed the body first and left only parsed JSON, the
 * answer is 500 `invalid_payload_type` with a detail that says how to fix it, and `onError`
 * listeners hear it: the signature covers the exact bytes sent, which parsed JSON no longer
 * has. Mount the webhook route before `app.use(express.json())`. Mount it with `app.all` so
 * other methods get the receiver's 405 rather than Express's 404.
 *
 * @param receiver - a `WebhookReceiver` or an `EudrWebhookReceiver`, or any
 *   {@link WebhookHandlerTarget}.
 * @returns the Express handler.
 * @throws WebhookValidationError `invalid_option` naming `receiver` (or `receiver.maxBodyBytes`)
 *   when it is not a receiver.
 * @example
 * ```ts
 * import express from 'express';
 * import { WebhookReceiver, expressHandler } from '@novatrade24/webhooks/receiver';
 *
 * const receiver = new WebhookReceiver({ secret: process.env.NOVATRADE_WEBHOOK_SECRET! })
 *   .on('kyc.*', (event) => kyc.refresh(event.data.buyerUuid));
 * const app = express();
 * app.all('/webhooks', expressHandler(receiver)); // before express.json()
 * app.use(express.json()); // the rest of the app
 * // or, with a raw parser on the route:
 * // app.post('/webhooks', express.raw({ type: 'application/json', limit: '1mb' }), expressHandler(receiver));
 * ```
 */
export function expressHandler(receiver: WebhookHandlerTarget): ExpressLikeHandler {
  assertWebhookHandlerTarget(receiver, 'expressHandler');
  return (req, res, next) => {
    // Express's error handling closes the connection when the head was already sent.
    serveNodeRequest(receiver, req, res).catch(next);
  };
}
