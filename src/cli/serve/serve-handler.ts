// The one Fetch handler `serve` answers with: `GET /healthz` and `GET /metrics` (no credentials:
// `serve` listens on 127.0.0.1 unless told otherwise, and neither shows a secret or a customer's
// data), the EUDR registration API under `/api/v1/integration/` when the profile is EUDR, and the
// management API for everything else (it answers its own 401, 404 and 405).
import { DEFAULT_PROBLEM_BASE_URL } from '../../server/internal/problem.js';
import type { FetchHandler } from './node-fetch-bridge.js';

/** The path of the health check. */
export const HEALTH_PATH = '/healthz';
/** The path of the Prometheus metrics. */
export const METRICS_PATH = '/metrics';
/** The prefix of the EUDR registration API's paths (and of its OpenAPI document). */
export const EUDR_PATH_PREFIX = '/api/v1/integration/';

/** What {@link createServeHandler} routes to. */
export interface ServeHandlerParts {
  /** The management API (`/v1/…`, `/openapi.json`). */
  readonly api: FetchHandler;
  /** The EUDR registration API, for paths under {@link EUDR_PATH_PREFIX}. */
  readonly eudrApi?: FetchHandler | undefined;
  /** Whether the database answers (`SELECT 1`). Never rejects. */
  readonly health: () => Promise<boolean>;
  /** The Prometheus exporter's text and its content type. */
  readonly metrics: { readonly contentType: string; render(): Promise<string> };
}

const NO_STORE = 'no-store';

/**
 * Routes a request: `/healthz` answers 200 `{"status":"ok"}` while the database answers, else 503
 * problem+json; `/metrics` answers the Prometheus text; both take GET and HEAD only (405 with
 * `Allow` otherwise). Any other path goes to the EUDR API (under its prefix, when there is one)
 * or the management API.
 */
export function createServeHandler(parts: ServeHandlerParts): FetchHandler {
  return async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === HEALTH_PATH || pathname === METRICS_PATH) {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return new Response(null, { status: 405, headers: { Allow: 'GET, HEAD' } });
      }
      return pathname === HEALTH_PATH ? health(parts) : metrics(parts);
    }
    if (parts.eudrApi !== undefined && pathname.startsWith(EUDR_PATH_PREFIX)) {
      return parts.eudrApi(request);
    }
    return parts.api(request);
  };
}

async function health(parts: ServeHandlerParts): Promise<Response> {
  if (await parts.health()) {
    return Response.json({ status: 'ok' }, { headers: { 'Cache-Control': NO_STORE } });
  }
  return new Response(
    JSON.stringify({
      type: `${DEFAULT_PROBLEM_BASE_URL}service-unavailable`,
      title: 'Service Unavailable',
      status: 503,
      detail: 'The database did not answer.',
    }),
    {
      status: 503,
      headers: {
        'Content-Type': 'application/problem+json',
        'Cache-Control': NO_STORE,
        'Retry-After': '5',
      },
    },
  );
}

async function metrics(parts: ServeHandlerParts): Promise<Response> {
  const text = await parts.metrics.render();
  return new Response(text, {
    headers: { 'Content-Type': parts.metrics.contentType, 'Cache-Control': NO_STORE },
  });
}
