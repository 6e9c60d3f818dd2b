/**
 * The Fastify adapter (Fastify 4 and 5): an encapsulated plugin that owns the webhook route, a raw
 * body parser for it, and an error handler mapping body errors to the receiver's answers. Typed
 * structurally: it needs neither `fastify` nor its types, and imports nothing from them.
 */

import { describeValue } from '../../core/internal/describe-value.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import type { HeadersRecord } from '../headers.js';
import { problemResponse } from '../problem.js';
import type { ReceiverResponse } from '../receiver-request.js';
import { assertWebhookHandlerTarget, bodyReadFailed } from './internal/adapter-kit.js';
import type { WebhookHandlerTarget } from './webhook-handler-target.js';

/** Options of {@link fastifyWebhooks}. */
export interface FastifyWebhooksOptions {
  /** The receiver: a `WebhookReceiver` or an `EudrWebhookReceiver` (either build). */
  readonly receiver: WebhookHandlerTarget;
  /**
   * The route's path, under the plugin's `prefix` if you register it with one.
   * @default '/webhooks'
   */
  readonly path?: string | undefined;
}

/** The parts of a Fastify request the plugin uses. */
export interface FastifyLikeRequest {
  /** The HTTP method. */
  readonly method: string;
  /** The request headers (lowercase keys). */
  readonly headers: HeadersRecord;
  /** The parsed body: the plugin's raw parsers make it a Buffer. */
  readonly body?: unknown;
}

/** The parts of a Fastify reply the plugin uses. */
export interface FastifyLikeReply {
  /** Sets the status code. */
  code(statusCode: number): FastifyLikeReply;
  /** Sets one header. */
  header(name: string, value: string): FastifyLikeReply;
  /** Sends the body (bytes, so Fastify serializes nothing). */
  send(payload: Uint8Array): FastifyLikeReply;
}

/** The parts of a Fastify error the plugin's error handler reads. */
export interface FastifyLikeError {
  /** Fastify's error code, e.g. `FST_ERR_CTP_BODY_TOO_LARGE`. */
  readonly code?: string | undefined;
  /** The HTTP status Fastify would answer. */
  readonly statusCode?: number | undefined;
}

/** The done callback of a Fastify content-type parser. */
export type FastifyLikeParserDone = (error: Error | null, body?: unknown) => void;

/** The parts of a Fastify instance the plugin uses (Fastify 4 and 5). */
export interface FastifyLikeInstance {
  /** Removes this scope's content-type parsers. */
  removeAllContentTypeParsers(): unknown;
  /** Adds a content-type parser to this scope. */
  addContentTypeParser(
    contentType: string,
    options: { parseAs: 'buffer'; bodyLimit: number },
    parser: (request: unknown, body: Uint8Array, done: FastifyLikeParserDone) => void,
  ): unknown;
  /** Sets this scope's error handler; throwing in it defers to the parent's. */
  setErrorHandler(
    handler: (
      error: FastifyLikeError,
      request: FastifyLikeRequest,
      reply: FastifyLikeReply,
    ) => void,
  ): unknown;
  /** Adds a route to this scope. */
  route(options: {
    method: string[];
    url: string;
    bodyLimit: number;
    handler: (request: FastifyLikeRequest, reply: FastifyLikeReply) => Promise<FastifyLikeReply>;
  }): unknown;
}

const DEFAULT_PATH = '/webhooks';
/** Every method Fastify routes on its own: all but POST get the receiver's 405, not a 404. */
const METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

const encoder = /* @__PURE__ */ new TextEncoder();

function send(reply: FastifyLikeReply, response: ReceiverResponse): FastifyLikeReply {
  reply.code(response.status);
  for (const [name, value] of Object.entries(response.headers)) reply.header(name, value);
  // Bytes, so Fastify sends the body and its content-type exactly as the receiver built them.
  return reply.send(encoder.encode(response.body));
}

function passThrough(_request: unknown, body: Uint8Array, done: FastifyLikeParserDone): void {
  done(null, body);
}

function readOptions(options: unknown): { receiver: WebhookHandlerTarget; path: string } {
  if (typeof options !== 'object' || options === null) {
    throw invalidOption(
      'options',
      `fastifyWebhooks: options must be an object with a \`receiver\`, got ${describeValue(options)}.`,
      'invalid_type',
    );
  }
  const { receiver, path = DEFAULT_PATH } = options as Partial<FastifyWebhooksOptions>;
  assertWebhookHandlerTarget(receiver, 'fastifyWebhooks');
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw invalidOption(
      'path',
      `fastifyWebhooks: \`path\` must be a string starting with '/', got ${describeValue(path)}.`,
      typeof path === 'string' ? 'invalid_format' : 'invalid_type',
    );
  }
  return { receiver, path };
}

/**
 * A Fastify plugin that serves webhooks at `path` (default `/webhooks`): register it with
 * `await app.register(fastifyWebhooks, { receiver, path: '/webhooks' })`.
 *
 * In its own encapsulated scope (never wrap it with `fastify-plugin`: the scope is what keeps the
 * raw parser off your other routes) it:
 * - replaces the content-type parsers with raw ones (`parseAs: 'buffer'`, `bodyLimit:
 *   receiver.maxBodyBytes`) for `application/json` and for any other type, so the signature is
 *   checked over the exact bytes and a wrong type gets the receiver's 415 problem;
 * - answers a body over the limit with the receiver's 413 (`payload_too_large`, `connection:
 *   close`; Fastify stops reading it) and other body-reading errors (`FST_ERR_CTP_*`) with 400
 *   `body_read_failed`; other errors (from your hooks, say) go on to your error handler;
 * - routes every method at `path`, so anything but POST gets the receiver's 405 (`allow: POST`).
 *
 * Your app's other routes keep Fastify's JSON parser and error handler.
 *
 * @param fastify - the Fastify instance (Fastify passes it).
 * @param options - `receiver` (required) and `path`.
 * @throws WebhookValidationError `invalid_option` naming `options`, `receiver`,
 *   `receiver.maxBodyBytes` or `path` (the `register` call rejects with it).
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { WebhookReceiver, fastifyWebhooks } from '@novatrade24/webhooks/receiver';
 *
 * const receiver = new WebhookReceiver({ secret: process.env.NOVATRADE_WEBHOOK_SECRET! })
 *   .on('compliance.decision_made', (event) => book(event.data.orderUuid, event.data.decision));
 * const app = Fastify();
 * await app.register(fastifyWebhooks, { receiver, path: '/webhooks' });
 * await app.listen({ port: 3000 });
 * ```
 */
export async function fastifyWebhooks(
  fastify: FastifyLikeInstance,
  options: FastifyWebhooksOptions,
): Promise<void> {
  const { receiver, path } = readOptions(options);
  const bodyLimit = receiver.maxBodyBytes;

  // Fastify refuses to add a parser for a type it already has, so clear this scope's first.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, passThrough);
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, passThrough);

  fastify.setErrorHandler((error, _request, reply) => {
    const code = typeof error.code === 'string' ? error.code : '';
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      // Fastify has already set `connection: close` (the rest of the body is not read).
      send(reply, receiver.tooLarge());
      return;
    }
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      // Unreachable with the catch-all parser above; kept so a parser change cannot leak
      // Fastify's own format.
      send(
        reply,
        problemResponse(
          415,
          'unsupported_media_type',
          'Webhook bodies must be sent with Content-Type: application/json.',
        ),
      );
      return;
    }
    if (code.startsWith('FST_ERR_CTP_')) {
      send(reply, bodyReadFailed());
      return;
    }
    // Not a body error (your hooks, a plugin): Fastify hands it to the parent error handler.
    throw error;
  });

  fastify.route({
    method: METHODS,
    url: path,
    bodyLimit,
    handler: async (request, reply) => {
      const method = request.method;
      // Only a POST body matters; the receiver answers anything else 405 before reading it.
      const body = method.toUpperCase() === 'POST' ? (request.body ?? '') : '';
      const response = await receiver.handle({
        method,
        headers: request.headers,
        // A non-raw body (a hook replaced it) is the receiver's to diagnose: 500
        // invalid_payload_type.
        body: body as string | Uint8Array,
      });
      return send(reply, response);
    },
  });
}
