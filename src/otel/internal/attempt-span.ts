// What one attempt's span says, as a pure function of the `delivery.attempted` payload: its name,
// its times (the attempt's own, not the hook's), its attributes and its status. Kept apart from
// the tracer so the attribute set, which must never carry a secret, a URL or a body, is tested
// on its own.

import type { Attributes } from '@opentelemetry/api';
import { attemptOutcome } from '../../sender/internal/metrics/attempt-labels.js';
import type { DeliveryAttemptPayload } from '../../sender/sender-events.js';

/** The name of every attempt span. */
export const ATTEMPT_SPAN_NAME = 'webhook.attempt';

/** One attempt's span, before it is handed to a tracer. */
export interface AttemptSpanData {
  /** When the attempt started, epoch ms (the attempt's `startedAt`). */
  readonly startMs: number;
  /** `startMs + durationMs`. */
  readonly endMs: number;
  readonly attributes: Attributes;
  /** The failure reason (`HTTP_ERROR`, `TIMEOUT`, …) for a failed attempt; `null` on success. */
  readonly error: string | null;
}

/**
 * The span of one attempt. Attributes: `http.request.method` (`POST`),
 * `http.response.status_code` (when a response arrived), `error.type` (on failure: the status code
 * for an HTTP error, else the lower-case reason such as `timeout`), and the sender's own
 * `webhooks.event.type`, `webhooks.event.id`, `webhooks.delivery.id`, `webhooks.endpoint.id`,
 * `webhooks.attempt` (1 for the first), `webhooks.delivery.status` (after the attempt:
 * `DELIVERED`, `PENDING` for a retry, `FAILED`) and `webhooks.delivery.test`; from the payload's
 * `origin`, `url.scheme`, `server.address` and `server.port` (the port implied by the scheme when
 * the URL names none). No path, query, header, secret or body.
 *
 * @param payload - the `delivery.attempted` payload.
 * @returns the span's times, attributes and error.
 * @example
 * ```ts
 * sender.on('delivery.attempted', (payload) => {
 *   const { startMs, endMs, attributes } = attemptSpanData(payload);
 * });
 * ```
 */
export function attemptSpanData(payload: DeliveryAttemptPayload): AttemptSpanData {
  const { delivery, attempt } = payload;
  const startMs = Date.parse(attempt.startedAt);
  const attributes: Attributes = {
    'http.request.method': 'POST',
    'webhooks.event.type': delivery.eventType,
    'webhooks.event.id': delivery.eventId,
    'webhooks.delivery.id': delivery.id,
    'webhooks.endpoint.id': delivery.endpointId,
    'webhooks.attempt': attempt.attempt,
    'webhooks.delivery.status': delivery.status,
    'webhooks.delivery.test': delivery.test,
  };
  if (attempt.httpStatus !== null) attributes['http.response.status_code'] = attempt.httpStatus;
  Object.assign(attributes, serverAttributes(payload.origin));
  const error: string | null = attempt.failureReason;
  if (error !== null) {
    // The HTTP semantic conventions: the status code when a response said the request failed,
    // else a short, low-cardinality name of the error.
    attributes['error.type'] =
      error === 'HTTP_ERROR' && attempt.httpStatus !== null
        ? String(attempt.httpStatus)
        : attemptOutcome(attempt);
  }
  return { startMs, endMs: startMs + attempt.durationMs, attributes, error };
}

/**
 * `url.scheme`, `server.address` (an IPv6 address without its brackets) and `server.port` of an
 * origin such as `https://partner.example` or `http://[::1]:8081`; none for a text that is not an
 * `http:` or `https:` origin.
 */
export function serverAttributes(origin: string): Attributes {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return {};
  }
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https') return {};
  return {
    'url.scheme': scheme,
    'server.address': url.hostname.replace(/^\[|\]$/g, ''),
    'server.port': url.port === '' ? (scheme === 'https' ? 443 : 80) : Number(url.port),
  };
}
