/**
 * The framework-neutral request and response a `WebhookReceiver` handles. Adapters (node:http,
 * Express, Fastify, Fetch) read the raw body (bounded by `maxBodyBytes`) into a
 * {@link ReceiverRequest}, call `receiver.handle()`, and write the {@link ReceiverResponse} back.
 */

import type { HeadersInput } from './headers.js';

/** An incoming webhook request with its raw body already read. */
export interface ReceiverRequest {
  /** The HTTP method, any case. Anything but POST is answered 405. */
  readonly method: string;
  /** The request headers: a `Headers`, a Node `IncomingHttpHeaders` or a plain record, any case. */
  readonly headers: HeadersInput;
  /** The raw body exactly as received: never parsed JSON. */
  readonly body: string | Uint8Array;
}

/**
 * What to answer. `body` is a JSON string: `{"received":true,…}` on success, RFC 9457
 * problem+json on failure (`type`, `title`, `status`, `detail`, `code`).
 */
export interface ReceiverResponse {
  /** 200, 202, 400, 401, 405, 409, 413, 415, 500 or 503. */
  readonly status: number;
  /**
   * Lowercase header names: `content-type` always, `allow` with 405, `retry-after` with 409 and
   * 503.
   */
  readonly headers: Readonly<Record<string, string>>;
  /** The response body (JSON text). */
  readonly body: string;
}
