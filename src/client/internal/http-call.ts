// The seam between the client's routes (create-webhooks-client.ts, create-eudr-webhooks-client.ts)
// and its HTTP core (internal/http-core.ts: token, Idempotency-Key, retries, errors). A route
// describes one logical call; the core sends it, retrying as docs/design.md decides, and answers
// the parsed body with what the response said about itself.

import type { ApiResponse } from '../api-response.js';

/** One logical API call, as a route method describes it. */
export interface HttpCall {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The path below the base URL, starting with `/`, every id already percent-encoded. */
  readonly path: string;
  /** Query parameters; `undefined` values are left out. */
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>> | undefined;
  /** A JSON body (serialised by the core); `undefined` sends no body. */
  readonly body?: unknown;
  /** The body's media type. @default 'application/json' */
  readonly contentType?: 'application/json' | 'application/merge-patch+json' | undefined;
  /**
   * The Idempotency-Key of a write (POST, PATCH, DELETE): the caller's, or `undefined` for one the
   * core generates (a UUID) once per logical call and sends on every retry of it.
   */
  readonly idempotencyKey?: string | undefined;
  /**
   * Cancels the call: the request in flight and any wait between attempts, and ends its wait for a
   * token request. Never handed to `fetch` itself (each request has its own signal that follows it).
   */
  readonly signal?: AbortSignal | undefined;
  /** An `X-Request-Id` to send (the server echoes it; it is the problem's `traceId`). */
  readonly requestId?: string | undefined;
  /** Which error body the API answers: the Novatrade24 problem+json, or N'entropy's `{error, message}`. */
  readonly errorFormat: 'problem' | 'eudr';
}

/** Sends calls: built once per client by `createHttpCore(options)`. */
export interface HttpCore {
  /**
   * Sends `call` (retrying as configured) and answers the parsed JSON body (`undefined` for a
   * 204) with the final response's facts.
   * @throws NovatradeApiError / EudrApiError for an error answer; WebhookClientError
   *   `api_unreachable` when no answer came (the network failed, or `timeoutMs` passed) after the
   *   last attempt; each with the write's `idempotencyKey`; TokenRequestError (or, for a token
   *   function's own error, WebhookClientError) `token_request_failed` when no token came, with
   *   the key only when an attempt of the write had been sent; the signal's reason when aborted.
   */
  request<T>(call: HttpCall): Promise<ApiResponse<T>>;
}
