// The origin (scheme, host, port) of each endpoint's URL, as `serve`'s attempt lines show it. The
// sender's `delivery.attempted` hook carries the endpoint's id, not its URL, so the transport is
// wrapped: each request it sends names its endpoint in a header of the wire profile
// (`X-Novatrade-Endpoint-Id`, EUDR's `X-Webhook-Id`), and the wrapper remembers that endpoint's
// origin. Only the origin is kept: a URL's path or query may carry a token.
import { originOf } from '../../sender/origin-of.js';
import type { Transport } from '../../sender/ports/transport.js';

/** The most endpoints remembered; the least recently sent to is forgotten first. */
export const MAX_REMEMBERED_ENDPOINTS = 10_000;

/** A transport that remembers the origin each endpoint was last sent to. */
export interface OriginRecordingTransport extends Transport {
  /** The origin of the last request to `endpointId`, or null when none went through here. */
  originOf(endpointId: string): string | null;
}

/**
 * Wraps `transport`: requests go through unchanged; the value of the header `endpointIdHeader`
 * (case-insensitive) of each request is remembered with the request URL's origin.
 *
 * @param transport - the transport that sends.
 * @param endpointIdHeader - the profile's endpoint-id header.
 * @param max - how many endpoints are remembered. @default MAX_REMEMBERED_ENDPOINTS
 */
export function recordEndpointOrigins(
  transport: Transport,
  endpointIdHeader: string,
  max = MAX_REMEMBERED_ENDPOINTS,
): OriginRecordingTransport {
  const wanted = endpointIdHeader.toLowerCase();
  const origins = new Map<string, string>();
  const wrapped: OriginRecordingTransport = {
    connectionsPerOrigin: transport.connectionsPerOrigin,
    send(request) {
      for (const [name, value] of Object.entries(request.headers)) {
        if (name.toLowerCase() !== wanted) continue;
        origins.delete(value);
        origins.set(value, originOf(request.url));
        if (origins.size > max) {
          const oldest = origins.keys().next().value;
          if (oldest !== undefined) origins.delete(oldest);
        }
        break;
      }
      return transport.send(request);
    },
    originOf(endpointId) {
      return origins.get(endpointId) ?? null;
    },
  };
  if (transport.close !== undefined) {
    const close = transport.close.bind(transport);
    return { ...wrapped, close };
  }
  return wrapped;
}
