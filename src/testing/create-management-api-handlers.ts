// `createManagementApiHandlers`: msw request handlers that stand in for the Novatrade24 management
// API and its Keycloak token endpoint in an integrator's tests. The API behind them is not a
// re-implementation: it is `createManagementApi` (and, on request, `createEudrManagementApi`)
// over an in-memory `WebhookSender`, so every route, status, header, problem body and the OpenAPI
// document are the server's own, and a client that passes against the mock meets the same answers
// from the server. The mock adds what a test needs around it: a token endpoint, simulated
// failures (`failNext`), latency, a record of the calls, and `deliverDue` to run deliveries.
//
// msw is an optional peer of the testing entry: it is loaded when this function is called, never
// when `@novatrade24/webhooks/testing` is imported (internal/load-optional-peer.node.ts).

import type { HttpHandler } from 'msw';
import type { EudrEventDataMap } from '../core/catalog/eudr-event-data.js';
import { isWebhooksError } from '../core/errors.js';
import { assertKnownOptions } from '../core/internal/assert-known-options.js';
import { describeValue } from '../core/internal/describe-value.js';
import { integerOption, integerOptionOr } from '../core/internal/integer-option.js';
import { invalidOption } from '../core/internal/invalid-option.js';
import { EUDR_PROFILE } from '../core/profiles/eudr-profile.js';
import type { Transport } from '../sender/ports/transport.js';
import { WebhookSender } from '../sender/webhook-sender.js';
import { apiKeyAuthenticator } from '../server/api-key-authenticator.js';
import { createEudrManagementApi, type EudrManagementApi } from '../server/eudr-management-api.js';
import type { RenderProblem } from '../server/internal/api-kernel.js';
import type { ApiKey } from '../server/internal/auth/api-key-authenticator.js';
import { authorizationOf, bearerTokenOf } from '../server/internal/auth/bearer-token.js';
import { renderEudrError } from '../server/internal/eudr/eudr-error.js';
import { EUDR_REQUESTS_PER_MINUTE } from '../server/internal/eudr/eudr-rate-limits.js';
import { EUDR_WEBHOOKS_PATH } from '../server/internal/eudr/eudr-routes.js';
import { managementProblemResponse } from '../server/internal/problem.js';
import {
  DEFAULT_WEBHOOK_PREFIXES,
  RATE_LIMIT_TIERS,
  type RateLimitTier,
  resolveRateLimitTable,
} from '../server/internal/rate-limit/rate-limit-policy.js';
import {
  type Authenticate,
  type AuthenticatedCaller,
  createManagementApi,
  type ManagementApi,
  type ManagementRateLimitOptions,
} from '../server/management-api.js';
import { createRecordingTransport, type RecordingTransport } from './create-recording-transport.js';
import { loadOptionalPeer } from './internal/load-optional-peer.node.js';
import {
  createMockFaultQueue,
  faultResponse,
  type MockApiName,
  type MockFault,
} from './internal/mock-faults.js';
import {
  createMockTokenEndpoint,
  type MockTokenClient,
  type MockTokenEndpoint,
  type MockTokenRequest,
} from './internal/mock-token-endpoint.js';

export type {
  MockApiName,
  MockFault,
  MockFaultMatch,
  MockFaultStatus,
} from './internal/mock-faults.js';
export type { MockTokenRequest } from './internal/mock-token-endpoint.js';

/** The client id of the mock's default client-credentials client. */
export const TEST_CLIENT_ID = 'api-client-test';

/** The client secret of the mock's default client-credentials client. */
export const TEST_CLIENT_SECRET = 'test-client-secret-0123456789abcdef';

/** The static API key the mock accepts by default (a Bearer token). */
export const TEST_API_KEY = 'nt24_test_0123456789abcdef0123456789abcdef';

/** The organization of the mock's default client and API key. */
export const TEST_ORGANIZATION_UUID = '00000000-0000-4000-8000-000000000024';

/** The API token the mock's EUDR registration API accepts by default (`eudr_live_` + 48 hex). */
export const TEST_EUDR_API_KEY = 'eudr_live_000000000000000000000000000000000000000000000024';

/** One client-credentials client of the mock's token endpoint. */
export interface ManagementApiMockClient {
  /** The `client_id`: 1 to 255 characters, unique among the clients. */
  readonly clientId: string;
  /** The `client_secret`: a non-empty string. */
  readonly clientSecret: string;
  /** The organization its tokens act for: a non-empty string of at most 128 characters. */
  readonly organizationUuid: string;
  /** The organization's rate-limit tier. @default 'STANDARD' */
  readonly tier?: RateLimitTier | undefined;
}

/** The N'entropy EUDR registration API of the mock. */
export interface ManagementApiMockEudrOptions {
  /**
   * Where it is served, e.g. `'https://eudr.example.test'`: an absolute http(s) URL, other than
   * the management API's `baseUrl`. Its routes are `POST /api/v1/integration/webhook-events` and
   * the extensions beside it (docs/server-eudr.md).
   */
  readonly baseUrl: string;
  /**
   * The accepted API tokens, as the server's `apiKeyAuthenticator` takes them.
   * @default [{ token: TEST_EUDR_API_KEY, organizationUuid: TEST_ORGANIZATION_UUID }]
   */
  readonly apiKeys?: readonly ApiKey[] | undefined;
}

/** Options of {@link createManagementApiHandlers}. */
export interface ManagementApiMockOptions<T extends Transport = RecordingTransport> {
  /**
   * Where the management API is served: an absolute http(s) URL without query; a path is a
   * prefix before `/v1/…`. @default 'https://api.novatrade24.com'
   */
  readonly baseUrl?: string | undefined;
  /**
   * The Keycloak token endpoint.
   * @default 'https://auth.novatrade24.com/realms/nt24-idp/protocol/openid-connect/token'
   */
  readonly tokenUrl?: string | undefined;
  /**
   * The clients of the token endpoint (the `client_credentials` grant).
   * @default one client: TEST_CLIENT_ID / TEST_CLIENT_SECRET in TEST_ORGANIZATION_UUID
   */
  readonly clients?: readonly ManagementApiMockClient[] | undefined;
  /**
   * Static API keys the API accepts besides issued tokens, as `apiKeyAuthenticator` takes them
   * (tokens of 16 to 1024 characters); `[]` for none.
   * @default [{ token: TEST_API_KEY, organizationUuid: TEST_ORGANIZATION_UUID }]
   */
  readonly apiKeys?: readonly ApiKey[] | undefined;
  /** `expires_in` of every issued token, seconds (1 to 31536000), as Keycloak's 300. @default 300 */
  readonly tokenLifetimeSeconds?: number | undefined;
  /** Delay before every answer, token endpoint included, ms (0 to 2147483647). @default 0 */
  readonly latencyMs?: number | undefined;
  /**
   * The time of tokens, rate limits and the sender: a `FakeClock` (`createFakeClock()`) or any
   * `{ now }` in epoch ms. @default the real time
   */
  readonly clock?: { readonly now: () => number } | undefined;
  /**
   * How the in-memory sender delivers. @default createRecordingTransport({ status: 200 }): every
   * delivery is recorded and answered 200, nothing touches the network
   */
  readonly transport?: T | undefined;
  /**
   * Rate limits: `false` for none, `true` for the published limits (STANDARD: 300 read, 60 write
   * and 10 webhook requests a minute, a third of that per 10 s), or the server's
   * `{ store?, tiers? }`. The EUDR API, when on, gets its own 100 a minute. @default false
   */
  readonly rateLimit?: boolean | ManagementRateLimitOptions | undefined;
  /**
   * Accept `http:` endpoint URLs, as a development server would. The Novatrade24 API refuses them
   * (422). @default false
   */
  readonly allowInsecureUrls?: boolean | undefined;
  /** Serve the N'entropy EUDR registration API too. @default not served */
  readonly eudr?: ManagementApiMockEudrOptions | undefined;
}

/** Every option of {@link ManagementApiMockOptions}. */
export const MANAGEMENT_API_MOCK_OPTION_NAMES = [
  'baseUrl',
  'tokenUrl',
  'clients',
  'apiKeys',
  'tokenLifetimeSeconds',
  'latencyMs',
  'clock',
  'transport',
  'rateLimit',
  'allowInsecureUrls',
  'eudr',
] as const satisfies readonly (keyof ManagementApiMockOptions)[];

/** One request the mock's APIs answered. */
export interface MockApiRequest {
  /** Which API: `'management'` or `'eudr'`. */
  readonly api: MockApiName;
  /** The method, e.g. `'POST'`. */
  readonly method: string;
  /** The full URL as sent. */
  readonly url: string;
  /** The path below the API's base URL, without the query, e.g. `'/v1/webhooks'`. */
  readonly path: string;
  /** The status answered. */
  readonly status: number;
  /** The `Idempotency-Key` sent, or `null`. */
  readonly idempotencyKey: string | null;
  /** `true` when a fault of `failNext` answered instead of the API. */
  readonly faulted: boolean;
  /** When it was answered, epoch ms on the mock's clock. */
  readonly atMs: number;
}

/** The mock: msw handlers, the sender behind them, and the switches. */
export interface ManagementApiMock<T extends Transport = RecordingTransport> {
  /** The msw handlers, token endpoint first: `setupServer(...mock.handlers)`. */
  readonly handlers: readonly HttpHandler[];
  /** The management API's base URL, without a trailing `/`. */
  readonly baseUrl: string;
  /** The token endpoint's URL. */
  readonly tokenUrl: string;
  /** The EUDR API's base URL, when it is served. */
  readonly eudrBaseUrl: string | undefined;
  /**
   * The in-memory sender behind the API: publish events, read endpoints, `start()` it. A new one
   * after `reset()`, so read it from the mock each time.
   */
  readonly sender: WebhookSender;
  /** The EUDR sender behind the EUDR API (`EUDR_PROFILE`), when it is served. */
  readonly eudrSender: WebhookSender<EudrEventDataMap> | undefined;
  /** The senders' transport: by default a `RecordingTransport` with every delivery sent. */
  readonly transport: T;
  /** The mock's clock. */
  readonly clock: { readonly now: () => number };
  /** Every call of the token endpoint since creation or `reset()`, in order. */
  readonly tokenRequests: readonly MockTokenRequest[];
  /** Every request the APIs answered since creation or `reset()`, in order. */
  readonly requests: readonly MockApiRequest[];
  /**
   * Fails the next `times` requests that `match` selects with `status`, answered as the API
   * answers it (a 429 `rate-limited` problem with `Retry-After` and `X-RateLimit-*`; 500
   * `internal-error`; 503 `service-unavailable` with `Retry-After`; 502 and 504 a gateway's bare
   * text). Faults queue: the oldest matching one answers. A faulted request reaches nothing.
   *
   * @throws WebhookValidationError `invalid_option` naming the faulty field.
   */
  readonly failNext: (fault: MockFault) => void;
  /**
   * Sets the delay before every answer, ms (0 to 2147483647).
   *
   * @throws WebhookValidationError `invalid_option` at `ms`.
   */
  readonly setLatency: (ms: number) => void;
  /**
   * Runs the senders' due deliveries until none is left due (`processDue()` in a loop) and
   * returns how many attempts were made. Retries fall due later: advance the clock and call it
   * again.
   */
  readonly deliverDue: () => Promise<number>;
  /**
   * Back to the state just after creation: new empty senders and API (no endpoints, fresh rate
   * limits), no issued tokens, no faults, the latency of `latencyMs`, empty records and, for the
   * default transport, no recorded deliveries. Stop a started sender before.
   */
  readonly reset: () => void;
  /** Stops the senders (and closes the transport). */
  readonly close: () => Promise<void>;
}

type Msw = typeof import('msw');
type EudrSender = WebhookSender<EudrEventDataMap>;

const OWNER = 'createManagementApiHandlers';
const DEFAULT_BASE_URL = 'https://api.novatrade24.com';
const DEFAULT_TOKEN_URL =
  'https://auth.novatrade24.com/realms/nt24-idp/protocol/openid-connect/token';
const DEFAULT_TOKEN_LIFETIME_SECONDS = 300;
const MAX_TOKEN_LIFETIME_SECONDS = 31_536_000;
const MAX_LATENCY_MS = 2_147_483_647;
const MAX_CLIENT_ID_LENGTH = 255;
/** More rounds than any test's deliveries: a loop that never empties is cut off here. */
const MAX_DELIVERY_ROUNDS = 10_000;
const SYSTEM_CLOCK = Object.freeze({ now: () => Date.now() });

/** The APIs, the senders and the tokens: what `reset()` builds anew. */
interface MockState {
  readonly sender: WebhookSender;
  readonly api: ManagementApi;
  readonly eudr: { readonly sender: EudrSender; readonly api: EudrManagementApi } | undefined;
  readonly tokens: MockTokenEndpoint;
}

/** One API the handlers serve. */
interface Mount {
  readonly name: MockApiName;
  readonly baseUrl: string;
  readonly pathPrefix: string;
  readonly fetch: (state: MockState, request: Request) => Promise<Response>;
  readonly render: RenderProblem;
  readonly webhookPrefixes: readonly string[];
  readonly perMinuteOf: (
    caller: AuthenticatedCaller | null,
  ) => (category: 'read' | 'write' | 'webhook') => number;
  readonly authenticate: (
    state: MockState,
    request: Request,
  ) => Promise<AuthenticatedCaller | null>;
}

/**
 * msw request handlers that mock the Novatrade24 management API and its Keycloak token endpoint
 * for your tests, backed by a real in-memory `WebhookSender` and the real `createManagementApi`
 * of `@novatrade24/webhooks/server`: every route, status, header, problem body and
 * `GET /openapi.json` are the server's own. The token endpoint issues opaque tokens for the
 * `client_credentials` grant (form-encoded, or HTTP Basic client authentication) that expire
 * after `tokenLifetimeSeconds` on the mock's clock; the API takes them and the static
 * `apiKeys`. `failNext` simulates 429s and 5xx, `setLatency` slow answers, and `deliverDue` runs
 * the deliveries of published events to `transport`.
 *
 * msw (2.10 or later) is an optional peer dependency: install it as a dev dependency.
 *
 * @param options - base URLs, clients and API keys, token lifetime, latency, clock, transport,
 *   rate limits, the EUDR API.
 * @returns the {@link ManagementApiMock}: `handlers` for `setupServer`, the `sender`, the
 *   switches and the records.
 * @throws WebhookValidationError `optional_dependency_missing` when msw is not installed;
 *   `invalid_option` naming the faulty option (an unknown one with the nearest known name).
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * import {
 *   createManagementApiHandlers, TEST_CLIENT_ID, TEST_CLIENT_SECRET,
 * } from '@novatrade24/webhooks/testing';
 *
 * const mock = createManagementApiHandlers();
 * const server = setupServer(...mock.handlers);
 * server.listen({ onUnhandledRequest: 'error' });
 *
 * const token = await fetch(mock.tokenUrl, {
 *   method: 'POST',
 *   body: new URLSearchParams({
 *     grant_type: 'client_credentials', client_id: TEST_CLIENT_ID, client_secret: TEST_CLIENT_SECRET,
 *   }),
 * }).then((response) => response.json());
 * mock.failNext({ status: 503 }); // the next call answers 503 service-unavailable, Retry-After: 10
 * ```
 */
export function createManagementApiHandlers<T extends Transport = RecordingTransport>(
  options: ManagementApiMockOptions<T> = {},
): ManagementApiMock<T> {
  const msw = loadOptionalPeer<Msw>('msw', OWNER);
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidOption(
      'options',
      `${OWNER}: expected an options object or nothing; got ${describeValue(options)}.`,
      'invalid_type',
    );
  }
  assertKnownOptions(options, MANAGEMENT_API_MOCK_OPTION_NAMES, OWNER);
  const baseUrl = checkBaseUrl('baseUrl', options.baseUrl ?? DEFAULT_BASE_URL);
  const tokenUrl = checkTokenUrl(options.tokenUrl ?? DEFAULT_TOKEN_URL);
  const clients = checkClients(options.clients);
  const apiKeys = keyAuthenticator('apiKeys', options.apiKeys, [
    { token: TEST_API_KEY, organizationUuid: TEST_ORGANIZATION_UUID },
  ]);
  const tokenLifetimeSeconds = integerOptionOr(
    OWNER,
    'tokenLifetimeSeconds',
    options.tokenLifetimeSeconds,
    DEFAULT_TOKEN_LIFETIME_SECONDS,
    { min: 1, max: MAX_TOKEN_LIFETIME_SECONDS },
  );
  const initialLatencyMs = checkLatency('latencyMs', options.latencyMs) ?? 0;
  const clock = checkClock(options.clock);
  const allowInsecureUrls = options.allowInsecureUrls ?? false;
  if (typeof allowInsecureUrls !== 'boolean') {
    throw invalidOption(
      'allowInsecureUrls',
      `${OWNER}: \`allowInsecureUrls\` must be a boolean; got ${describeValue(allowInsecureUrls)}.`,
      'invalid_type',
    );
  }
  const rateLimit = checkRateLimit(options.rateLimit);
  const eudr = checkEudr(options.eudr, baseUrl);
  const defaultTransport = options.transport === undefined;
  const transport = (options.transport ?? createRecordingTransport({ status: 200 })) as T;
  if (typeof transport !== 'object' || transport === null || typeof transport.send !== 'function') {
    throw invalidOption(
      'transport',
      `${OWNER}: \`transport\` must be a Transport (an object with send(request)); got ${describeValue(transport)}.`,
      'invalid_type',
    );
  }

  // An issued token that has not expired, else a static API key, else nobody (401).
  const managementCaller = async (
    tokens: MockTokenEndpoint,
    request: Request,
  ): Promise<AuthenticatedCaller | null> => {
    const token = bearerTokenOf(authorizationOf(request));
    const caller = token === null ? null : tokens.callerOf(token);
    return caller ?? (apiKeys === null ? null : apiKeys(request));
  };

  const buildState = (): MockState => {
    const tokens = createMockTokenEndpoint({
      clients,
      lifetimeSeconds: tokenLifetimeSeconds,
      now: clock.now,
    });
    const sender = new WebhookSender({ transport, clock, logger: 'silent', allowInsecureUrls });
    const api = createManagementApi(sender, {
      authenticate: (request) => managementCaller(tokens, request),
      rateLimit,
      now: clock.now,
      logger: 'silent',
    });
    let eudrState: MockState['eudr'];
    if (eudr !== undefined) {
      const eudrSender = new WebhookSender({
        profile: EUDR_PROFILE,
        transport,
        clock,
        logger: 'silent',
        allowInsecureUrls,
      });
      const eudrApi = createEudrManagementApi(eudrSender, {
        authenticate: async (request) => (eudr.apiKeys === null ? null : eudr.apiKeys(request)),
        rateLimit: rateLimit === false ? false : {},
        now: clock.now,
        logger: 'silent',
      });
      eudrState = { sender: eudrSender, api: eudrApi };
    }
    return { sender, api, eudr: eudrState, tokens };
  };

  let state = buildState();
  let latencyMs = initialLatencyMs;
  const faults = createMockFaultQueue();
  const requests: MockApiRequest[] = [];
  const table = resolveRateLimitTable(rateLimit === false ? undefined : rateLimit.tiers);

  const mounts: Mount[] = [
    {
      name: 'management',
      ...splitBase(baseUrl),
      fetch: (current, request) => current.api.fetch(request),
      render: managementProblemResponse,
      webhookPrefixes: DEFAULT_WEBHOOK_PREFIXES,
      perMinuteOf: (caller) => (category) => table[caller?.tier ?? 'STANDARD'][category].perMinute,
      authenticate: (current, request) => managementCaller(current.tokens, request),
    },
  ];
  if (eudr !== undefined) {
    mounts.push({
      name: 'eudr',
      ...splitBase(eudr.baseUrl),
      fetch: (current, request) =>
        (current.eudr as NonNullable<MockState['eudr']>).api.fetch(request),
      render: renderEudrError,
      webhookPrefixes: [EUDR_WEBHOOKS_PATH],
      perMinuteOf: () => () => EUDR_REQUESTS_PER_MINUTE,
      authenticate: async (_current, request) =>
        eudr.apiKeys === null ? null : eudr.apiKeys(request),
    });
  }
  // A base inside another's URL space (`https://h/eudr` in `https://h`) must be matched first.
  mounts.sort((a, b) => b.baseUrl.length - a.baseUrl.length);

  const serve = async (mount: Mount, request: Request): Promise<Response> => {
    await delay(latencyMs, request.signal);
    const url = new URL(request.url);
    const path = url.pathname.slice(mount.pathPrefix.length) || '/';
    const current = state;
    const fault = faults.take(mount.name, request.method, path);
    let response: Response;
    if (fault !== undefined) {
      const caller = fault.status === 429 ? await mount.authenticate(current, request) : null;
      response = faultResponse(fault, {
        request,
        path,
        render: mount.render,
        webhookPrefixes: mount.webhookPrefixes,
        perMinuteOf: mount.perMinuteOf(caller),
        nowMs: clock.now(),
      });
    } else {
      response = await mount.fetch(current, relativeRequest(request, mount.pathPrefix, url));
    }
    requests.push(
      Object.freeze({
        api: mount.name,
        method: request.method,
        url: request.url,
        path,
        status: response.status,
        idempotencyKey: request.headers.get('idempotency-key'),
        faulted: fault !== undefined,
        atMs: clock.now(),
      }),
    );
    return response;
  };

  const handlers: HttpHandler[] = [
    msw.http.all(tokenUrl, async ({ request }) => {
      await delay(latencyMs, request.signal);
      return state.tokens.handle(request);
    }),
    ...mounts.map((mount) =>
      msw.http.all(`${mount.baseUrl}/*`, ({ request }) => serve(mount, request)),
    ),
  ];

  return Object.freeze({
    handlers: Object.freeze(handlers),
    baseUrl,
    tokenUrl,
    eudrBaseUrl: eudr?.baseUrl,
    get sender() {
      return state.sender;
    },
    get eudrSender() {
      return state.eudr?.sender;
    },
    transport,
    clock,
    get tokenRequests() {
      return state.tokens.requests;
    },
    requests,
    failNext: (fault: MockFault) => faults.add(fault),
    setLatency(ms: number): void {
      latencyMs = checkLatency('ms', ms) ?? latencyMs;
    },
    async deliverDue(): Promise<number> {
      let total = 0;
      for (let round = 0; round < MAX_DELIVERY_ROUNDS; round++) {
        const current = state;
        const sent =
          (await current.sender.processDue()) +
          (current.eudr === undefined ? 0 : await current.eudr.sender.processDue());
        if (sent === 0) break;
        total += sent;
      }
      return total;
    },
    reset(): void {
      state = buildState();
      latencyMs = initialLatencyMs;
      faults.clear();
      requests.splice(0);
      if (defaultTransport) (transport as unknown as RecordingTransport).clear();
    },
    async close(): Promise<void> {
      const current = state;
      await Promise.all([current.sender.stop(), current.eudr?.sender.stop()]);
    },
  });
}

// The request as the API sees it: its URL without the base URL's path prefix.
function relativeRequest(request: Request, pathPrefix: string, url: URL): Request {
  if (pathPrefix === '') return request;
  const path = url.pathname.slice(pathPrefix.length) || '/';
  const bodyless = request.method === 'GET' || request.method === 'HEAD';
  const init: RequestInit & { duplex?: 'half' } = {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    ...(bodyless ? {} : { body: request.body, duplex: 'half' }),
  };
  return new Request(new URL(`${path}${url.search}`, url.origin), init);
}

// Waits `ms`, or less when the request is aborted (its answer is dropped then anyway).
function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function splitBase(baseUrl: string): { baseUrl: string; pathPrefix: string } {
  return { baseUrl, pathPrefix: new URL(baseUrl).pathname.replace(/\/$/, '') };
}

function parseHttpUrl(name: string, value: unknown, what: string): URL {
  let url: URL | undefined;
  if (typeof value === 'string') {
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
  }
  if (
    url === undefined ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.username !== '' ||
    url.password !== '' ||
    url.search !== '' ||
    url.hash !== ''
  ) {
    throw invalidOption(
      name,
      `${OWNER}: \`${name}\` must be an absolute http(s) URL without query, fragment or credentials, e.g. '${what}'; got ${describeValue(value)}.`,
      typeof value === 'string' ? 'invalid_format' : 'invalid_type',
    );
  }
  return url;
}

function checkBaseUrl(name: string, value: unknown): string {
  const url = parseHttpUrl(name, value, DEFAULT_BASE_URL);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function checkTokenUrl(value: unknown): string {
  return parseHttpUrl('tokenUrl', value, DEFAULT_TOKEN_URL).href;
}

function checkLatency(name: string, value: unknown): number | undefined {
  return integerOption(OWNER, name, value, { min: 0, max: MAX_LATENCY_MS });
}

function checkClock(value: unknown): { readonly now: () => number } {
  if (value === undefined) return SYSTEM_CLOCK;
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as { now?: unknown }).now !== 'function'
  ) {
    throw invalidOption(
      'clock',
      `${OWNER}: \`clock\` must be { now() } returning epoch ms, such as createFakeClock(); got ${describeValue(value)}.`,
      'invalid_type',
    );
  }
  const clock = value as { readonly now: () => number };
  // A plain function, so that a method that uses `this` keeps working when handed on alone.
  return Object.freeze({ now: () => clock.now() });
}

function checkRateLimit(
  value: boolean | ManagementRateLimitOptions | undefined,
): ManagementRateLimitOptions | false {
  if (value === undefined || value === false) return false;
  if (value === true) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidOption(
      'rateLimit',
      `${OWNER}: \`rateLimit\` must be a boolean or { store?, tiers? }; got ${describeValue(value)}.`,
      'invalid_type',
    );
  }
  return value;
}

function checkClients(value: unknown): MockTokenClient[] {
  if (value === undefined) {
    return [
      {
        clientId: TEST_CLIENT_ID,
        clientSecret: TEST_CLIENT_SECRET,
        caller: {
          organizationUuid: TEST_ORGANIZATION_UUID,
          tier: 'STANDARD',
          clientId: TEST_CLIENT_ID,
        },
      },
    ];
  }
  if (!Array.isArray(value)) {
    throw invalidOption(
      'clients',
      `${OWNER}: \`clients\` must be an array of { clientId, clientSecret, organizationUuid, tier? }; got ${describeValue(value)}.`,
      'invalid_type',
    );
  }
  const seen = new Set<string>();
  return value.map((client: unknown, index): MockTokenClient => {
    const at = `clients[${index}]`;
    if (typeof client !== 'object' || client === null || Array.isArray(client)) {
      throw invalidOption(
        at,
        `${OWNER}: \`${at}\` must be { clientId, clientSecret, organizationUuid, tier? }; got ${describeValue(client)}.`,
        'invalid_type',
      );
    }
    assertKnownOptions(
      client,
      ['clientId', 'clientSecret', 'organizationUuid', 'tier'],
      `${OWNER}: ${at}`,
    );
    const {
      clientId,
      clientSecret,
      organizationUuid,
      tier = 'STANDARD',
    } = client as ManagementApiMockClient;
    if (
      typeof clientId !== 'string' ||
      clientId.length === 0 ||
      clientId.length > MAX_CLIENT_ID_LENGTH
    ) {
      throw invalidOption(
        `${at}.clientId`,
        `${OWNER}: \`${at}.clientId\` must be a string of 1 to ${MAX_CLIENT_ID_LENGTH} characters; got ${describeValue(clientId)}.`,
        typeof clientId === 'string' ? 'invalid_format' : 'invalid_type',
      );
    }
    if (seen.has(clientId)) {
      throw invalidOption(
        `${at}.clientId`,
        `${OWNER}: \`${at}.clientId\` repeats an earlier client's; each client needs its own id.`,
        'invalid_value',
      );
    }
    seen.add(clientId);
    if (typeof clientSecret !== 'string' || clientSecret.length === 0) {
      throw invalidOption(
        `${at}.clientSecret`,
        `${OWNER}: \`${at}.clientSecret\` must be a non-empty string.`,
        typeof clientSecret === 'string' ? 'too_small' : 'invalid_type',
      );
    }
    if (
      typeof organizationUuid !== 'string' ||
      organizationUuid.length === 0 ||
      organizationUuid.length > 128
    ) {
      throw invalidOption(
        `${at}.organizationUuid`,
        `${OWNER}: \`${at}.organizationUuid\` must be a string of 1 to 128 characters; got ${describeValue(organizationUuid)}.`,
        typeof organizationUuid === 'string' ? 'invalid_format' : 'invalid_type',
      );
    }
    if (!RATE_LIMIT_TIERS.includes(tier)) {
      throw invalidOption(
        `${at}.tier`,
        `${OWNER}: \`${at}.tier\` must be one of ${RATE_LIMIT_TIERS.join(', ')}; got ${describeValue(tier)}.`,
        'invalid_value',
      );
    }
    return { clientId, clientSecret, caller: { organizationUuid, tier, clientId } };
  });
}

// The server's own static-key authenticator, its errors renamed to this option's path.
function keyAuthenticator(
  name: string,
  value: unknown,
  fallback: readonly ApiKey[],
): Authenticate | null {
  const keys = value ?? fallback;
  if (Array.isArray(keys) && keys.length === 0) return null;
  try {
    return apiKeyAuthenticator(keys as readonly ApiKey[]);
  } catch (error) {
    if (isWebhooksError(error) && error.code === 'invalid_option') {
      const issue = (error as { issues?: readonly { path: string; code: string }[] }).issues?.[0];
      throw invalidOption(
        `${name}${issue?.path.replace(/^keys/, '') ?? ''}`,
        `${OWNER}: ${error.message.replace(/^createApiKeyAuthenticator: /, '').replace(/`keys/g, `\`${name}`)}`,
        (issue?.code ?? 'invalid_value') as Parameters<typeof invalidOption>[2],
      );
    }
    throw error;
  }
}

function checkEudr(
  value: unknown,
  baseUrl: string,
): { baseUrl: string; apiKeys: Authenticate | null } | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidOption(
      'eudr',
      `${OWNER}: \`eudr\` must be { baseUrl, apiKeys? }; got ${describeValue(value)}.`,
      'invalid_type',
    );
  }
  assertKnownOptions(value, ['baseUrl', 'apiKeys'], `${OWNER}: eudr`);
  const options = value as ManagementApiMockEudrOptions;
  if (options.baseUrl === undefined) {
    throw invalidOption(
      'eudr.baseUrl',
      `${OWNER}: \`eudr.baseUrl\` is required, e.g. 'https://eudr.example.test'.`,
      'required',
    );
  }
  const eudrBaseUrl = checkBaseUrl('eudr.baseUrl', options.baseUrl);
  if (eudrBaseUrl === baseUrl) {
    throw invalidOption(
      'eudr.baseUrl',
      `${OWNER}: \`eudr.baseUrl\` must differ from \`baseUrl\`: both APIs serve /openapi.json.`,
      'invalid_value',
    );
  }
  return {
    baseUrl: eudrBaseUrl,
    apiKeys: keyAuthenticator('eudr.apiKeys', options.apiKeys, [
      { token: TEST_EUDR_API_KEY, organizationUuid: TEST_ORGANIZATION_UUID },
    ]),
  };
}
