// The per-request state the management API's middleware hands to its routes (Hono variables).

import type { Principal } from './auth/authenticator.js';

/** Deprecation of one route (RFC 9745 `Deprecation`, RFC 8594 `Sunset`, a successor `Link`). */
export interface RouteDeprecation {
  /**
   * `true`, or when the route was (or will be) deprecated: sent as `Deprecation: @<unix s>`.
   * @default true
   */
  readonly deprecation?: true | Date | undefined;
  /** When the route goes away: sent as `Sunset: <HTTP-date>`. */
  readonly sunset?: Date | undefined;
  /** The route that replaces it: sent as `Link: <url>; rel="successor-version"`. */
  readonly successor?: string | undefined;
}

/** What a route is, as the middleware needs it. */
export interface RouteInfo {
  /** `GET`, `POST`, … */
  readonly method: string;
  /** The OpenAPI path template, e.g. `/v1/webhooks/{id}`. */
  readonly template: string;
  /** A write: needs an Idempotency-Key and may carry a body. */
  readonly write: boolean;
}

/** The variables of a management API request. */
export interface ApiVariables {
  /** The request id: the caller's `X-Request-Id` when sane, else a new `req_…`. */
  requestId: string;
  /** Who called; set once authentication passed. */
  principal: Principal;
  /** The rate-limit headers of this request's decision. */
  rateLimitHeaders: Readonly<Record<string, string>> | undefined;
  /** The matched route; set by the route's middleware. */
  route: RouteInfo;
  /** The raw request body of a write (empty when there is none). */
  rawBody: Uint8Array;
}

/** The Hono environment of the management API. */
export interface ApiEnv {
  Variables: ApiVariables;
}
