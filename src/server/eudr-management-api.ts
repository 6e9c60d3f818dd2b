// The N'entropy EUDR webhook registration API as a Fetch handler: `createEudrManagementApi(sender,
// options)` builds the `/api/v1/integration/webhook-events` routes (internal/eudr/) over the same
// kernel as the Novatrade24 management API (request id, authentication, rate limits, bounded JSON
// bodies, 404/405), with N'entropy's `{ error, message }` errors instead of problem+json, an
// optional Idempotency-Key and N'entropy's rate limit. Guide: docs/server-eudr.md.

import type { UntypedEventDataMap } from '../core/catalog/event-catalog.js';
import { describeValue } from '../core/internal/describe-value.js';
import { invalidOption } from '../core/internal/invalid-option.js';
import { EUDR_PROFILE } from '../core/profiles/eudr-profile.js';
import type { Logger } from '../logging/logger.js';
import type { WebhookSender } from '../sender/webhook-sender.js';
import type { RouteDeprecation } from './internal/api-env.js';
import { renderEudrError } from './internal/eudr/eudr-error.js';
import { eudrTiers } from './internal/eudr/eudr-rate-limits.js';
import { EUDR_WEBHOOKS_PATH, registerEudrWebhookRoutes } from './internal/eudr/eudr-routes.js';
import {
  type Authenticate,
  finishApi,
  kernelFor,
  type ManagementApiOptions,
  type ManagementRateLimitOptions,
} from './management-api.js';

/** Options of {@link createEudrManagementApi}. */
export interface EudrManagementApiOptions {
  /**
   * Who is calling: `apiKeyAuthenticator(keys)` over your `eudr_live_…` tokens, or your own.
   * `null` answers 401 `AUTHENTICATION_REQUIRED` (no Authorization header) or `INVALID_TOKEN`.
   */
  readonly authenticate: Authenticate;
  /**
   * Rate limits per organization, or `false` to leave them to a gateway in front. Tiers not given
   * keep the EUDR figure.
   * @default in memory, 100 requests per minute for every tier, no 10-second cap below that
   */
  readonly rateLimit?: ManagementRateLimitOptions | false | undefined;
  /** The largest request body accepted, bytes (larger: 413). @default 262144 (256 KiB) */
  readonly maxBodyBytes?: number | undefined;
  /** `Retry-After` of a 503 (storage unavailable), seconds. @default 10 */
  readonly retryAfterSeconds?: number | undefined;
  /**
   * Deprecated routes, by `"<METHOD> <path template>"` (e.g.
   * `'GET /api/v1/integration/webhook-events/{id}'`): their answers carry `Deprecation`, `Sunset`
   * and a successor `Link`.
   */
  readonly deprecations?: Readonly<Record<string, RouteDeprecation>> | undefined;
  /** Where the OpenAPI 3.1 document is served, unauthenticated; `false` for nowhere. @default '/openapi.json' */
  readonly openApiPath?: string | false | undefined;
  /** Where failed requests (500, 503) are logged, without secrets or bodies. @default stderr */
  readonly logger?: Logger | 'silent' | undefined;
  /** The clock of the rate limits, epoch ms. @default Date.now */
  readonly now?: (() => number) | undefined;
}

/** Every option of {@link EudrManagementApiOptions}. */
export const EUDR_MANAGEMENT_API_OPTION_NAMES = [
  'authenticate',
  'rateLimit',
  'maxBodyBytes',
  'retryAfterSeconds',
  'deprecations',
  'openApiPath',
  'logger',
  'now',
] as const satisfies readonly (keyof EudrManagementApiOptions)[];

/** The EUDR management API: a Fetch handler and its OpenAPI document. */
export interface EudrManagementApi {
  /** Answers one request; never rejects. Mount it in any Fetch-style runtime. */
  readonly fetch: (request: Request) => Promise<Response>;
  /** The OpenAPI 3.1 document the API serves. */
  readonly openApiDocument: () => Record<string, unknown>;
}

const OWNER = 'createEudrManagementApi';

/**
 * The N'entropy EUDR webhook registration API over `sender`, as a Fetch handler (`Request ->
 * Response`): `POST /api/v1/integration/webhook-events` registers an endpoint exactly as
 * N'entropy documents it (201 with `active: true` and the one-time `secret`), and this SDK adds
 * list, get, update and delete at the same path (experimental). Every route is scoped to the
 * caller's organization; errors are `{ "error": "ERROR_CODE", "message": "…" }`; every answer
 * carries `X-Request-Id` and, once authenticated, `X-RateLimit-Limit`, `-Remaining` and `-Reset`.
 * Writes take an optional Idempotency-Key. The OpenAPI 3.1 document is at `GET /openapi.json`.
 *
 * `active` is the endpoint's status: `true` for ACTIVE; `false` for DISABLED (after 10 consecutive
 * failed attempts, the EUDR health policy, or `PATCH {"active": false}`) and PAUSED.
 * `PATCH {"active": true}` re-enables it.
 *
 * @param sender - a `WebhookSender` built with `profile: EUDR_PROFILE`; start it
 *   (`sender.start()`) to deliver.
 * @param options - `authenticate` (required), rate limits, body limit, logger, …
 * @returns `{ fetch, openApiDocument }`.
 * @throws WebhookValidationError `invalid_option` naming the faulty option, or `sender` when it is
 *   not a `WebhookSender` using `EUDR_PROFILE`.
 * @example
 * ```ts
 * const sender = new WebhookSender({ profile: EUDR_PROFILE, transport: new HttpTransport() });
 * const api = createEudrManagementApi(sender, {
 *   authenticate: apiKeyAuthenticator([{ token: process.env.EUDR_TOKEN!, organizationUuid: org }]),
 * });
 * const response = await api.fetch(new Request('http://localhost/api/v1/integration/webhook-events', {
 *   method: 'POST',
 *   headers: { authorization: `Bearer ${process.env.EUDR_TOKEN}`, 'content-type': 'application/json' },
 *   body: JSON.stringify({ url: 'https://your-server.com/webhooks/eudr', events: ['supplier.created'] }),
 * }));
 * const { id, secret } = await response.json(); // 201, active: true
 * ```
 */
export function createEudrManagementApi(
  sender: WebhookSender<never> | WebhookSender<unknown>,
  options: EudrManagementApiOptions,
): EudrManagementApi {
  // Another profile would sign and shape deliveries unlike what N'entropy's receivers verify.
  const profile = (sender as { profile?: { name?: unknown } } | null)?.profile;
  if (typeof profile === 'object' && profile !== null && profile.name !== EUDR_PROFILE.name) {
    throw invalidOption(
      'sender',
      `${OWNER}: \`sender\` must use EUDR_PROFILE (new WebhookSender({ profile: EUDR_PROFILE, … })); got a sender with the profile ${profileName(profile.name)}.`,
      'invalid_value',
    );
  }
  const untyped = sender as unknown as WebhookSender<UntypedEventDataMap>;
  const prepared = kernelFor(untyped, {
    options: withEudrRateLimits(options),
    owner: OWNER,
    names: EUDR_MANAGEMENT_API_OPTION_NAMES,
    prefixes: [EUDR_WEBHOOKS_PATH],
    renderProblem: renderEudrError,
    idempotencyKey: 'optional',
  });
  registerEudrWebhookRoutes(prepared.kernel, untyped);
  return finishApi(prepared, {
    title: "N'entropy EUDR webhook registration API",
    description:
      "Register webhook endpoints for N'entropy EUDR events (docs/server-eudr.md). List, get, update and delete are experimental extensions of this SDK.",
  });
}

// The options for the kernel: the EUDR limits unless the caller gave tiers of its own. Anything
// that is not an options object is passed on for the kernel to refuse by name.
function withEudrRateLimits(options: EudrManagementApiOptions): ManagementApiOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return options;
  const { rateLimit } = options;
  if (rateLimit === false) return options;
  if (rateLimit === undefined) return { ...options, rateLimit: { tiers: eudrTiers(undefined) } };
  if (typeof rateLimit !== 'object' || rateLimit === null) return options;
  return { ...options, rateLimit: { ...rateLimit, tiers: eudrTiers(rateLimit.tiers) } };
}

// A profile's name is the developer's own identifier (`novatrade`, …), shown when it looks like one.
function profileName(name: unknown): string {
  return typeof name === 'string' && /^[\w.-]{1,64}$/.test(name)
    ? `named '${name}'`
    : `named by ${describeValue(name)}`;
}
