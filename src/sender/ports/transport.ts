/**
 * The transport port: sends one signed webhook request and reports what happened, without
 * throwing for anything the receiver or the network did (those are outcomes, docs/design.md §5.13).
 * `HttpTransport` (undici) is the default; tests plug in recorders or fakes.
 */

import type { DeliveryFailureReason } from '../../core/catalog/enum-values.js';

/** One request to send. */
export interface TransportRequest {
  /** The endpoint URL (`https:`, or `http:` when the sender allows insecure URLs). */
  readonly url: string;
  /** The exact body that was signed. */
  readonly body: string;
  /** Header names as the wire profile wrote them. */
  readonly headers: Readonly<Record<string, string>>;
  /** Give up after this many milliseconds (connect, send and the whole response). */
  readonly timeoutMs: number;
  /** Aborts the request (the sender is stopping). */
  readonly signal?: AbortSignal | undefined;
}

/** What happened. Any 2xx is success (docs/design.md §5.13); 3xx are not followed. */
export interface TransportResult {
  /** The response status, or `null` when no response arrived. */
  readonly statusCode: number | null;
  /** `null` for a 2xx; otherwise the failure's class. */
  readonly failureReason: DeliveryFailureReason | null;
  /** The first bytes of the response body (at most the transport's cap, 4 KiB by default), UTF-8. */
  readonly responseBody: string;
  /** The `Retry-After` header as received (for 429/503), or `null`. */
  readonly retryAfter: string | null;
  /** Wall time of the attempt, ms. */
  readonly durationMs: number;
}

/** Sends webhook requests. */
export interface Transport {
  /**
   * How many requests to one origin (scheme, host, port) the transport runs at once: its
   * connections per origin. The sender never has more attempts to one origin in flight, so no
   * attempt spends its timeout waiting for a connection (docs/design.md §5.18).
   * Absent: no per-origin cap (a transport that does not pool, or a test double).
   */
  readonly connectionsPerOrigin?: number | undefined;
  /** Sends one request. Never rejects for a network or HTTP failure: it reports it. */
  send(request: TransportRequest): Promise<TransportResult>;
  /** Releases connections (keep-alive pools). */
  close?(): Promise<void>;
}
