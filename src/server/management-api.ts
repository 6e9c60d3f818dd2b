// The management HTTP API as a Fetch handler: `createManagementApi(sender, options)` builds the
// Hono app from the route modules in `internal/routes/` over the shared kernel
// (`internal/api-kernel.ts`: request id, authentication, rate limits, Idempotency-Key, bodies,
// problems) and serves its OpenAPI 3.1 document. The options are checked here, once.

import type { UntypedEventDataMap } from '../core/catalog/event-catalog.js';
import { assertKnownOptions } from '../core/internal/assert-known-options.js';
import { describeValue } from '../core/internal/describe-value.js';
import { integerOptionOr } from '../core/internal/integer-option.js';
import { invalidOption } from '../core/internal/invalid-option.js';
import { createStderrLogger } from '../logging/create-stderr-logger.node.js';
import type { Logger } from '../logging/logger.js';
import { assertOrganization } from '../sender/internal/assert-organization.js';
import type { WebhookSender } from '../sender/webhook-sender.js';
import type { RouteDeprecation } from './internal/api-env.js';
import {
  type ApiKernel,
  createApiKernel,
  routeKey,
  templatePattern,
} from './internal/api-kernel.js';
import type { Principal } from './internal/auth/authenticator.js';
import {
  assertProblemBaseUrl,
  assertRetryAfterSeconds,
  DEFAULT_PROBLEM_BASE_URL,
  managementProblemResponse,
} from './internal/problem.js';
import {
  DEFAULT_RETRY_AFTER_SECONDS,
  INTERNAL_ERROR_DETAIL,
} from './internal/problem-from-error.js';
import {
  DEFAULT_WEBHOOK_PREFIXES,
  RATE_LIMIT_TIERS,
  type RateLimitTableInput,
  type RateLimitTier,
} from './internal/rate-limit/rate-limit-policy.js';
import type { RateLimitStore } from './internal/rate-limit/rate-limit-store.js';
import { RateLimiter } from './internal/rate-limit/rate-limiter.js';
import { requestIdOf } from './internal/request-id.js';
import { registerEventRoutes } from './internal/routes/event-routes.js';
import { registerWebhookRoutes } from './internal/routes/webhook-routes.js';

/** Who a request authenticated as, as an `authenticate` function returns it. */
export interface AuthenticatedCaller {
  /** The organization every call is scoped by: a non-empty string of at most 128 characters. */
  readonly organizationUuid: string;
  /** The organization's rate-limit tier. @default 'STANDARD' */
  readonly tier?: RateLimitTier | undefined;
  /** The API client that called, for logs. */
  readonly clientId?: string | undefined;
}

/**
 * The authentication port: the caller of `request`, or `null` for missing, malformed or unknown
 * credentials (a 401). It reads headers only and rejects only when it cannot decide (a JWKS that
 * cannot be fetched: 503; anything else: 500).
 */
export type Authenticate = (request: Request) => Promise<AuthenticatedCaller | null>;

/** Rate-limit options of the management API. */
export interface ManagementRateLimitOptions {
  /** Where the counters live; a `RedisRateLimitStore` shares one budget between processes. */
  readonly store?: RateLimitStore | undefined;
  /** Limits per tier; each tier given replaces its defaults. */
  readonly tiers?: RateLimitTableInput | undefined;
}

/** Options of {@link createManagementApi}. */
export interface ManagementApiOptions {
  /** Who is calling: `apiKeyAuthenticator(keys)`, `jwtAuthenticator({...})`, or your own. */
  readonly authenticate: Authenticate;
  /**
   * Rate limits per organization and category (docs/server.md), or `false` to leave them to a
   * gateway in front. @default in memory, the published limits
   */
  readonly rateLimit?: ManagementRateLimitOptions | false | undefined;
  /**
   * The base of every problem `type`: an absolute http(s) URL ending in `/`.
   * @default 'https://api.novatrade24.com/problems/'
   */
  readonly problemBaseUrl?: string | undefined;
  /** The largest request body accepted, bytes (larger: 413). @default 262144 (256 KiB) */
  readonly maxBodyBytes?: number | undefined;
  /** `Retry-After` of a 503 (storage or JWKS unavailable), seconds. @default 10 */
  readonly retryAfterSeconds?: number | undefined;
  /**
   * Deprecated routes, by `"<METHOD> <path template>"` (e.g. `'GET /v1/webhooks/{id}'`): their
   * answers carry `Deprecation`, `Sunset` and a successor `Link` (docs/server.md).
   */
  readonly deprecations?: Readonly<Record<string, RouteDeprecation>> | undefined;
  /**
   * The DPA gate: `false` answers 403 `dpa-not-accepted` before anything else runs.
   * @default every caller passes
   */
  readonly dpaGate?:
    | ((caller: AuthenticatedCaller, request: Request) => boolean | Promise<boolean>)
    | undefined;
  /** Serve `POST /v1/events` (publish over HTTP). @default true */
  readonly ingest?: boolean | undefined;
  /** Where the OpenAPI 3.1 document is served, unauthenticated; `false` for nowhere. @default '/openapi.json' */
  readonly openApiPath?: string | false | undefined;
  /** Where failed requests (500, 503) are logged, without secrets or bodies. @default stderr */
  readonly logger?: Logger | 'silent' | undefined;
  /** The clock of the rate limits, epoch ms. @default Date.now */
  readonly now?: (() => number) | undefined;
}

/** Every option of {@link ManagementApiOptions}. */
export const MANAGEMENT_API_OPTION_NAMES = [
  'authenticate',
  'rateLimit',
  'problemBaseUrl',
  'maxBodyBytes',
  'retryAfterSeconds',
  'deprecations',
  'dpaGate',
  'ingest',
  'openApiPath',
  'logger',
  'now',
] as const satisfies readonly (keyof ManagementApiOptions)[];

/** A management API: a Fetch handler and its OpenAPI document. */
export interface ManagementApi {
  /** Answers one request; never rejects. Mount it in any Fetch-style runtime (docs/server.md). */
  readonly fetch: (request: Request) => Promise<Response>;
  /** The OpenAPI 3.1 document the API serves. */
  readonly openApiDocument: () => Record<string, unknown>;
}

const OWNER = 'createManagementApi';
const LAST_RESORT_BODY = JSON.stringify({
  type: 'about:blank',
  title: 'Internal Error',
  status: 500,
  detail: INTERNAL_ERROR_DETAIL,
});
const DEFAULT_MAX_BODY_BYTES = 256 * 1024;
const SILENT_LOGGER: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * The `/v1/webhooks` management API over `sender`, as a Fetch handler (`Request -> Response`)
 * built on Hono, with its OpenAPI 3.1 document at `GET /openapi.json`. Every route is scoped to
 * the caller's organization; writes need an Idempotency-Key; every answer carries
 * `X-Request-Id` and, once authenticated, `X-RateLimit-*`; every error is problem+json.
 *
 * @param sender - the sender the routes call; start it (`sender.start()`) to deliver.
 * @param options - `authenticate` (required), rate limits, problem base, body limit, …
 * @returns `{ fetch, openApiDocument }`.
 * @throws WebhookValidationError `invalid_option` naming the faulty option.
 * @example
 * ```ts
 * const api = createManagementApi(sender, {
 *   authenticate: apiKeyAuthenticator([{ token: process.env.API_KEY!, organizationUuid: org }]),
 * });
 * const response = await api.fetch(new Request('http://localhost/v1/webhooks', {
 *   headers: { authorization: `Bearer ${process.env.API_KEY}` },
 * }));
 * ```
 */
export function createManagementApi(
  sender: WebhookSender<never> | WebhookSender<unknown>,
  options: ManagementApiOptions,
): ManagementApi {
  const untyped = sender as unknown as WebhookSender<UntypedEventDataMap>;
  const kernel = kernelFor(untyped, {
    options,
    owner: OWNER,
    names: MANAGEMENT_API_OPTION_NAMES,
    prefixes: DEFAULT_WEBHOOK_PREFIXES,
  });
  registerWebhookRoutes(kernel.kernel, untyped);
  if (options.ingest !== false) registerEventRoutes(kernel.kernel, untyped);
  return finishApi(kernel, {
    title: 'Novatrade24 webhook management API',
    description:
      'Register webhook endpoints, read their delivery history, replay and test-fire deliveries.',
  });
}

/** A kernel and what finishing the API needs. */
export interface PreparedApi {
  readonly kernel: ApiKernel;
  readonly renderProblem: ApiKernelRender;
  readonly problemBaseUrl: string;
  readonly logger: Logger;
  readonly openApiPath: string | false;
  readonly deprecations: ReadonlyMap<string, RouteDeprecation>;
}

/**
 * Checks the options shared by both APIs and builds the kernel.
 *
 * @internal
 */
export function kernelFor(
  sender: WebhookSender<UntypedEventDataMap>,
  settings: {
    /** The caller's options, checked here. */
    readonly options: ManagementApiOptions;
    /** The factory's name, for messages. */
    readonly owner: string;
    /** The option names the factory accepts. */
    readonly names: readonly string[];
    readonly prefixes: readonly string[];
    readonly renderProblem?: ApiKernelRender | undefined;
    /** Whether writes need an Idempotency-Key. @default 'required' */
    readonly idempotencyKey?: 'required' | 'optional' | undefined;
  },
): PreparedApi {
  const { options, owner, names } = settings;
  if (!isSenderLike(sender)) {
    throw invalidOption(
      'sender',
      `${owner}: \`sender\` must be a WebhookSender; got ${describeValue(sender)}.`,
      'invalid_type',
    );
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidOption(
      'options',
      `${owner}: expected an options object with \`authenticate\`; got ${describeValue(options)}.`,
      options === undefined ? 'required' : 'invalid_type',
    );
  }
  assertKnownOptions(options, names, owner);
  const { authenticate, problemBaseUrl = DEFAULT_PROBLEM_BASE_URL, dpaGate, now, logger } = options;
  if (typeof authenticate !== 'function') {
    throw invalidOption(
      'authenticate',
      `${owner}: \`authenticate\` must be a function (request) => Promise<{ organizationUuid, tier? } | null>, such as apiKeyAuthenticator(keys); got ${describeValue(authenticate)}.`,
      authenticate === undefined ? 'required' : 'invalid_type',
    );
  }
  assertProblemBaseUrl(problemBaseUrl);
  const maxBodyBytes = integerOptionOr(
    owner,
    'maxBodyBytes',
    options.maxBodyBytes,
    DEFAULT_MAX_BODY_BYTES,
    {
      min: 1,
      max: 64 * 1024 * 1024,
    },
  );
  const retryAfterSeconds = options.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
  assertRetryAfterSeconds(retryAfterSeconds, owner);
  if (dpaGate !== undefined && typeof dpaGate !== 'function') {
    throw invalidOption(
      'dpaGate',
      `${owner}: \`dpaGate\` must be a function (caller, request) => boolean; got ${describeValue(dpaGate)}.`,
      'invalid_type',
    );
  }
  if (now !== undefined && typeof now !== 'function') {
    throw invalidOption(
      'now',
      `${owner}: \`now\` must be a function returning epoch milliseconds; got ${describeValue(now)}.`,
      'invalid_type',
    );
  }
  if (options.ingest !== undefined && typeof options.ingest !== 'boolean') {
    throw invalidOption(
      'ingest',
      `${owner}: \`ingest\` must be a boolean; got ${describeValue(options.ingest)}.`,
      'invalid_type',
    );
  }
  const openApiPath = options.openApiPath ?? '/openapi.json';
  if (
    openApiPath !== false &&
    (typeof openApiPath !== 'string' || !/^\/[\w./-]*$/.test(openApiPath))
  ) {
    throw invalidOption(
      'openApiPath',
      `${owner}: \`openApiPath\` must be a path starting with \`/\`, or false; got ${describeValue(openApiPath)}.`,
      'invalid_format',
    );
  }
  const resolvedLogger = resolveLogger(owner, logger);
  const limiter = resolveLimiter(owner, options.rateLimit, now);
  const deprecations = resolveDeprecations(owner, options.deprecations);
  const renderProblem = settings.renderProblem ?? managementProblemResponse;
  const kernel = createApiKernel(sender as never, {
    authenticate: checkedAuthenticate(authenticate),
    limiter,
    webhookPrefixes: settings.prefixes,
    problemBaseUrl,
    maxBodyBytes,
    retryAfterSeconds,
    logger: resolvedLogger,
    deprecations,
    dpaGate:
      dpaGate === undefined
        ? undefined
        : async (principal, request) => (await dpaGate(principal, request)) === true,
    renderProblem,
    publicPaths: new Set(openApiPath === false ? [] : [openApiPath]),
    idempotencyKey: settings.idempotencyKey ?? 'required',
  });
  return {
    kernel,
    renderProblem,
    problemBaseUrl,
    logger: resolvedLogger,
    openApiPath,
    deprecations,
  };
}

/** How an API renders its problems (the EUDR API has its own error shape). */
export type ApiKernelRender = Parameters<typeof createApiKernel>[1]['renderProblem'];

/**
 * Serves the document, seals the app, and checks that every configured deprecation names a route.
 *
 * @internal
 */
export function finishApi(
  prepared: PreparedApi,
  info: { readonly title: string; readonly description: string },
): ManagementApi {
  const { kernel, renderProblem, problemBaseUrl, logger, openApiPath, deprecations } = prepared;
  const app = kernel.app;
  const documentConfig = {
    openapi: '3.1.0',
    info: { title: info.title, version: '1.0.0', description: info.description },
  };
  const known = new Set<string>();
  for (const route of app.openAPIRegistry.definitions) {
    if (route.type !== 'route') continue;
    known.add(routeKey(route.route.method, route.route.path));
    // The document is served without credentials: on a route's path it would open that route.
    if (openApiPath !== false && templatePattern(route.route.path).test(openApiPath)) {
      throw invalidOption(
        'openApiPath',
        `A public document path must not be a path of the API's routes (${route.route.path}); use e.g. '/openapi.json'.`,
        'invalid_value',
      );
    }
  }
  for (const key of deprecations.keys()) {
    if (!known.has(key)) {
      throw invalidOption(
        'deprecations',
        `A deprecation names no route of this API; use "<METHOD> <path template>", one of: ${[...known].join(', ')}.`,
        'invalid_value',
      );
    }
  }
  let document: Record<string, unknown> | undefined;
  const openApiDocument = (): Record<string, unknown> => {
    document ??= withSecurity(
      app.getOpenAPI31Document(documentConfig) as unknown as Record<string, unknown>,
    );
    return structuredClone(document);
  };
  if (openApiPath !== false) {
    kernel.servePublic(openApiPath, () =>
      Response.json(openApiDocument(), { headers: { 'Cache-Control': 'no-cache' } }),
    );
  }
  kernel.seal();
  return Object.freeze({
    fetch: async (request: Request): Promise<Response> => {
      try {
        return await app.fetch(request);
      } catch (error) {
        // Only a bug in answering an error (a throwing logger, a request that is no Request)
        // reaches here: still a problem in the API's own shape, never the error; and should
        // even that fail, a fixed 500, so that `fetch` never rejects.
        try {
          const requestId = requestIdOf(request);
          try {
            logger.error(
              { requestId, error: { name: error instanceof Error ? error.name : typeof error } },
              'management API request failed while answering an error',
            );
          } catch {
            // The logger is what failed; the answer does not depend on it.
          }
          return renderProblem(
            { type: 'internal-error', detail: INTERNAL_ERROR_DETAIL },
            { url: request.url, requestId, problemBaseUrl },
          );
        } catch {
          return new Response(LAST_RESORT_BODY, {
            status: 500,
            headers: { 'Content-Type': 'application/problem+json' },
          });
        }
      }
    },
    openApiDocument,
  });
}

// Every route needs a bearer token: one security scheme, applied globally.
function withSecurity(document: Record<string, unknown>): Record<string, unknown> {
  const components = (document.components ?? {}) as Record<string, unknown>;
  return {
    ...document,
    components: {
      ...components,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key or an OAuth2 access token (JWT).',
        },
      },
    },
    security: [{ bearerAuth: [] }],
  };
}

// The methods the routes call. Checked by shape, not `instanceof`: a sender from another loaded
// copy of this package (its CJS and ESM builds, or two installed versions) serves as well.
const SENDER_METHODS = [
  'createEndpoint',
  'getEndpoint',
  'listEndpoints',
  'updateEndpoint',
  'deleteEndpoint',
  'publish',
  'testEndpoint',
  'listDeliveries',
  'getDelivery',
  'replayDelivery',
  'recoverDeliveries',
  'rotateSecret',
  'withIdempotencyKey',
] as const;

function isSenderLike(value: unknown): value is WebhookSender<UntypedEventDataMap> {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return SENDER_METHODS.every((name) => typeof candidate[name] === 'function');
}

function checkedAuthenticate(
  authenticate: Authenticate,
): (request: Request) => Promise<Principal | null> {
  return async (request) => {
    const caller = await authenticate(request);
    if (caller === null) return null;
    if (typeof caller !== 'object') {
      throw invalidOption(
        'authenticate',
        'authenticate() must resolve to { organizationUuid, tier? } or null.',
        'invalid_type',
      );
    }
    assertOrganization(caller.organizationUuid);
    const tier = caller.tier ?? 'STANDARD';
    if (!RATE_LIMIT_TIERS.includes(tier)) {
      throw invalidOption(
        'tier',
        `authenticate() returned an unknown tier; expected one of ${RATE_LIMIT_TIERS.join(', ')}.`,
        'invalid_value',
      );
    }
    const principal: Principal =
      typeof caller.clientId === 'string'
        ? { organizationUuid: caller.organizationUuid, tier, clientId: caller.clientId }
        : { organizationUuid: caller.organizationUuid, tier };
    return principal;
  };
}

function resolveLogger(owner: string, logger: Logger | 'silent' | undefined): Logger {
  if (logger === undefined) return createStderrLogger();
  if (logger === 'silent') return SILENT_LOGGER;
  if (typeof logger !== 'object' || logger === null || typeof logger.error !== 'function') {
    throw invalidOption(
      'logger',
      `${owner}: \`logger\` must be a Logger or 'silent'; got ${describeValue(logger)}.`,
      'invalid_type',
    );
  }
  return logger;
}

function resolveLimiter(
  owner: string,
  rateLimit: ManagementRateLimitOptions | false | undefined,
  now: (() => number) | undefined,
): RateLimiter | null {
  if (rateLimit === false) return null;
  if (rateLimit !== undefined && (typeof rateLimit !== 'object' || rateLimit === null)) {
    throw invalidOption(
      'rateLimit',
      `${owner}: \`rateLimit\` must be { store?, tiers? } or false; got ${describeValue(rateLimit)}.`,
      'invalid_type',
    );
  }
  if (rateLimit !== undefined)
    assertKnownOptions(rateLimit, ['store', 'tiers'], `${owner}: rateLimit`);
  return new RateLimiter({
    ...(rateLimit?.store === undefined ? {} : { store: rateLimit.store }),
    ...(rateLimit?.tiers === undefined ? {} : { tiers: rateLimit.tiers }),
    ...(now === undefined ? {} : { now }),
  });
}

function resolveDeprecations(
  owner: string,
  deprecations: Readonly<Record<string, RouteDeprecation>> | undefined,
): ReadonlyMap<string, RouteDeprecation> {
  const map = new Map<string, RouteDeprecation>();
  if (deprecations === undefined) return map;
  if (typeof deprecations !== 'object' || deprecations === null || Array.isArray(deprecations)) {
    throw invalidOption(
      'deprecations',
      `${owner}: \`deprecations\` must be a record by "<METHOD> <path template>"; got ${describeValue(deprecations)}.`,
      'invalid_type',
    );
  }
  for (const [key, value] of Object.entries(deprecations)) {
    const path = `deprecations["${key.slice(0, 80)}"]`;
    if (typeof value !== 'object' || value === null) {
      throw invalidOption(
        path,
        `${owner}: each deprecation must be { deprecation?, sunset?, successor? }.`,
        'invalid_type',
      );
    }
    assertKnownOptions(value, ['deprecation', 'sunset', 'successor'], `${owner}: ${path}`);
    for (const field of ['deprecation', 'sunset'] as const) {
      const date = value[field];
      if (
        date !== undefined &&
        date !== true &&
        !(date instanceof Date && Number.isFinite(date.getTime()))
      ) {
        throw invalidOption(
          `${path}.${field}`,
          `${owner}: \`${field}\` must be a valid Date${field === 'deprecation' ? ' or true' : ''}.`,
          'invalid_type',
        );
      }
    }
    if (
      value.successor !== undefined &&
      (typeof value.successor !== 'string' ||
        !/^[\x21-\x7e]{1,2048}$/.test(value.successor) ||
        /[<>]/.test(value.successor))
    ) {
      throw invalidOption(
        `${path}.successor`,
        `${owner}: \`successor\` must be a URL.`,
        'invalid_format',
      );
    }
    const [method = '', template = ''] = key.split(' ');
    map.set(routeKey(method, template), value);
  }
  return map;
}
