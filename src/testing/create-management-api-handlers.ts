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
import { EUDR_PROFILE } from '../core/profiles/eudr-profile.js';
import type { Transport } from '../sender/ports/transport.js';
import { WebhookSender } from '../sender/webhook-sender.js';
import { createEudrManagementApi, type EudrManagementApi } from '../server/eudr-management-api.js';
import type { RenderProblem } from '../server/internal/api-kernel.js';
import type { ApiKey } from '../server/internal/auth/api-key-authenticator.js';
import { authorizationOf, bearerTokenOf } from '../server/internal/auth/bearer-token.js';
import { renderEudrError } from '../server/internal/eudr/eudr-error.js';
import { EUDR_REQUESTS_PER_MINUTE } from '../server/internal/eudr/eudr-rate-limits.js';
import { EUDR_BASE_PATH, EUDR_WEBHOOKS_PATH } from '../server/internal/eudr/eudr-routes.js';
import { managementProblemResponse } from '../server/internal/problem.js';
import {
  DEFAULT_WEBHOOK_PREFIXES,
  type RateLimitTier,
  resolveRateLimitTable,
} from '../server/internal/rate-limit/rate-limit-policy.js';
import {
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
  tokenFaultResponse,
} from './internal/mock-faults.js';
import { createMockTokenEndpoint, type MockTokenRequest } from './internal/mock-token-endpoint.js';
import { checkLatency, MOCK_OWNER, resolveMockOptions } from './internal/resolve-mock-options.js';

export {
  TEST_API_KEY,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  TEST_EUDR_API_KEY,
  TEST_ORGANIZATION_UUID,
} from './internal/mock-credentials.js';
export type {
  MockApiName,
  MockFault,
  MockFaultMatch,
  MockFaultStatus,
} from './internal/mock-faults.js';
export type { MockTokenRequest } from './internal/mock-token-endpoint.js';

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
   * The integration API's base URL, up to and including `/api/v1/integration`, as the EUDR client
   * takes it: `${baseUrl}/webhook-events` is the registration route (and the extensions beside
   * it, docs/server-eudr.md), `${baseUrl}/openapi.json` its document. An absolute http(s) URL,
   * other than the management API's `baseUrl`.
   * @default 'https://backend.joinnentropy.com/api/v1/integration'
   */
  readonly baseUrl?: string | undefined;
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
   * `{ store?, tiers? }`. The EUDR API, when on, gets its own 100 a minute. A `store` given
   * here is the caller's: `reset()` does not clear its counters (it renews only the mock's own
   * in-memory ones). @default false
   */
  readonly rateLimit?: boolean | ManagementRateLimitOptions | undefined;
  /**
   * Accept `http:` endpoint URLs, as a development server would. The Novatrade24 API refuses them
   * (422). @default false
   */
  readonly allowInsecureUrls?: boolean | undefined;
  /**
   * Serve the N'entropy EUDR registration API too: `true` with its defaults, or its options.
   * @default not served
   */
  readonly eudr?: boolean | ManagementApiMockEudrOptions | undefined;
}

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
  /** The status answered; 0 when nothing was answered (`aborted`). */
  readonly status: number;
  /** The `Idempotency-Key` sent, or `null`. */
  readonly idempotencyKey: string | null;
  /** `true` when a fault of `failNext` answered instead of the API. */
  readonly faulted: boolean;
  /**
   * `true` when the caller aborted the request while the mock's latency held it: it reached
   * nothing (no write, no fault used up, no rate limit counted) and `status` is 0.
   */
  readonly aborted: boolean;
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
  /** The EUDR API's base URL (up to `/api/v1/integration`), when it is served. */
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
  /** Every call of the token endpoint since creation or `reset()`, in order (one array). */
  readonly tokenRequests: readonly MockTokenRequest[];
  /**
   * Every request the APIs answered since creation or `reset()`, in order, and those aborted
   * while the latency held them (`aborted: true`).
   */
  readonly requests: readonly MockApiRequest[];
  /**
   * Fails the next `times` requests that `match` selects with `status`, answered as the API
   * answers it (a 429 `rate-limited` problem with `Retry-After` and `X-RateLimit-*`; 500
   * `internal-error`; 503 `service-unavailable` with `Retry-After`; 502 and 504 a gateway's bare
   * text). Faults queue: the oldest matching one answers. A faulted request reaches nothing.
   * The token endpoint fails only for a fault with `match: { api: 'token' }`, with an OAuth2
   * error body (`temporarily_unavailable` with `Retry-After` for 429 and 503, `server_error` for
   * 500) or a gateway's text (502, 504), and issues no token.
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
   * Back to the API's state just after creation: new empty senders and API (no endpoints, fresh
   * rate limits unless `rateLimit.store` is the caller's), no faults, the latency of
   * `latencyMs`, `requests` and `tokenRequests` emptied in place (the same arrays) and, for the
   * default transport, no recorded deliveries. The token endpoint stands for Keycloak, which does not
   * lose its state when the API does: its clients and the tokens it issued stay valid, so a
   * client created once per test file keeps its cached token. A request the latency still holds
   * (token endpoint included) fails as a network error (`Response.error()`) when the latency
   * ends, reaching nothing and recorded nowhere; one already inside the API finishes against the
   * state it began with and is not recorded either. Stop a started sender before.
   */
  readonly reset: () => void;
  /** Stops the senders (and closes the transport). */
  readonly close: () => Promise<void>;
}

type Msw = typeof import('msw');
type EudrSender = WebhookSender<EudrEventDataMap>;

/** More rounds than any test's deliveries: a loop that never empties is cut off here. */
const MAX_DELIVERY_ROUNDS = 10_000;

/**
 * The APIs and the senders: what `reset()` builds anew. The token endpoint is not part of it: it
 * stands for Keycloak, which keeps its clients and the tokens it issued when the API's state is
 * wiped, so a client's cached token keeps working across `reset()`.
 */
interface MockState {
  readonly sender: WebhookSender;
  readonly api: ManagementApi;
  readonly eudr: { readonly sender: EudrSender; readonly api: EudrManagementApi } | undefined;
}

/** One API the handlers serve. */
interface Mount {
  readonly name: MockApiName;
  readonly baseUrl: string;
  /** The path of `baseUrl`, which the request's path starts with. */
  readonly pathPrefix: string;
  /** What replaces `pathPrefix` in the path the API sees. */
  readonly apiPrefix: string;
  readonly fetch: (state: MockState, request: Request) => Promise<Response>;
  readonly render: RenderProblem;
  readonly webhookPrefixes: readonly string[];
  readonly perMinuteOf: (
    caller: AuthenticatedCaller | null,
  ) => (category: 'read' | 'write' | 'webhook') => number;
  readonly authenticate: (request: Request) => Promise<AuthenticatedCaller | null>;
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
 * msw 2 (2.10 or later) is an optional peer dependency: install it as a dev dependency.
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
  const msw = loadOptionalPeer<Msw>('msw', MOCK_OWNER);
  const resolved = resolveMockOptions(options);
  const { clients, apiKeys, tokenLifetimeSeconds, clock, allowInsecureUrls, rateLimit, eudr } =
    resolved;
  const defaultTransport = resolved.transport === undefined;
  const transport = (resolved.transport ?? createRecordingTransport({ status: 200 })) as T;

  const tokens = createMockTokenEndpoint({
    clients,
    lifetimeSeconds: tokenLifetimeSeconds,
    now: clock.now,
  });

  // An issued token that has not expired, else a static API key, else nobody (401).
  const managementCaller = async (request: Request): Promise<AuthenticatedCaller | null> => {
    const token = bearerTokenOf(authorizationOf(request));
    const caller = token === null ? null : tokens.callerOf(token);
    return caller ?? (apiKeys === null ? null : apiKeys(request));
  };

  const buildState = (): MockState => {
    const sender = new WebhookSender({ transport, clock, logger: 'silent', allowInsecureUrls });
    const api = createManagementApi(sender, {
      authenticate: managementCaller,
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
        openApiPath: `${EUDR_BASE_PATH}/openapi.json`,
        now: clock.now,
        logger: 'silent',
      });
      eudrState = { sender: eudrSender, api: eudrApi };
    }
    return { sender, api, eudr: eudrState };
  };

  let state = buildState();
  // Counts `reset()`s: a request that began before the latest one belongs to the state it wiped.
  let generation = 0;
  let latencyMs = resolved.latencyMs;
  const faults = createMockFaultQueue();
  const requests: MockApiRequest[] = [];
  const table = resolveRateLimitTable(rateLimit === false ? undefined : rateLimit.tiers);

  const mounts: Mount[] = [
    {
      name: 'management',
      ...splitBase(resolved.baseUrl),
      apiPrefix: '',
      fetch: (current, request) => current.api.fetch(request),
      render: managementProblemResponse,
      webhookPrefixes: DEFAULT_WEBHOOK_PREFIXES,
      perMinuteOf: (caller) => (category) => table[caller?.tier ?? 'STANDARD'][category].perMinute,
      authenticate: managementCaller,
    },
  ];
  if (eudr !== undefined) {
    mounts.push({
      name: 'eudr',
      ...splitBase(eudr.baseUrl),
      apiPrefix: EUDR_BASE_PATH,
      fetch: (current, request) =>
        (current.eudr as NonNullable<MockState['eudr']>).api.fetch(request),
      render: renderEudrError,
      webhookPrefixes: [EUDR_WEBHOOKS_PATH],
      perMinuteOf: () => () => EUDR_REQUESTS_PER_MINUTE,
      authenticate: async (request) => (eudr.apiKeys === null ? null : eudr.apiKeys(request)),
    });
  }
  // A base inside another's URL space (`https://h/eudr` in `https://h`) must be matched first.
  mounts.sort((a, b) => b.baseUrl.length - a.baseUrl.length);

  const serve = async (mount: Mount, request: Request): Promise<Response> => {
    const born = generation;
    await delay(latencyMs, request.signal);
    // `reset()` ran while the latency held it: it reaches neither the new state (a write would
    // appear in a test that reset after it) nor the new faults and records; the client sees a
    // network error, as from a server restarted under it.
    if (generation !== born) return Response.error();
    const url = new URL(request.url);
    const path = url.pathname.slice(mount.pathPrefix.length) || '/';
    const record = (status: number, outcome: { faulted?: boolean; aborted?: boolean }): void => {
      if (generation !== born) return; // answered by the state a reset() wiped meanwhile
      requests.push(
        Object.freeze({
          api: mount.name,
          method: request.method,
          url: request.url,
          path,
          status,
          idempotencyKey: request.headers.get('idempotency-key'),
          faulted: outcome.faulted === true,
          aborted: outcome.aborted === true,
          atMs: clock.now(),
        }),
      );
    };
    // The caller gave up during the latency: like a request that never left, it reaches nothing.
    if (request.signal.aborted) {
      record(0, { aborted: true });
      return Response.error();
    }
    const apiPath = `${mount.apiPrefix}${path}`;
    const current = state;
    const fault = faults.take(mount.name, request.method, path);
    let response: Response;
    if (fault !== undefined) {
      const caller = fault.status === 429 ? await mount.authenticate(request) : null;
      response = faultResponse(fault, {
        request,
        path: apiPath,
        render: mount.render,
        webhookPrefixes: mount.webhookPrefixes,
        perMinuteOf: mount.perMinuteOf(caller),
        nowMs: clock.now(),
      });
    } else {
      response = await mount.fetch(current, requestAt(request, apiPath, url));
    }
    record(response.status, { faulted: fault !== undefined });
    return response;
  };

  const handlers: HttpHandler[] = [
    msw.http.all(resolved.tokenUrl, async ({ request }) => {
      const born = generation;
      await delay(latencyMs, request.signal);
      if (generation !== born) return Response.error(); // as for the APIs (serve, above)
      if (request.signal.aborted) {
        tokens.recordUnhandled({ status: 0, faulted: false, aborted: true });
        return Response.error();
      }
      const fault = faults.take('token', request.method, '/');
      if (fault === undefined) return tokens.handle(request);
      const response = tokenFaultResponse(fault, clock.now());
      tokens.recordUnhandled({ status: response.status, faulted: true, aborted: false });
      return response;
    }),
    ...mounts.map((mount) =>
      msw.http.all(`${mount.baseUrl}/*`, ({ request }) => serve(mount, request)),
    ),
  ];

  return Object.freeze({
    handlers: Object.freeze(handlers),
    baseUrl: resolved.baseUrl,
    tokenUrl: resolved.tokenUrl,
    eudrBaseUrl: eudr?.baseUrl,
    get sender() {
      return state.sender;
    },
    get eudrSender() {
      return state.eudr?.sender;
    },
    transport,
    clock,
    tokenRequests: tokens.requests,
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
      generation += 1;
      state = buildState();
      tokens.clearRequests();
      latencyMs = resolved.latencyMs;
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

// The request as the API sees it: at `path`, the API's own path for what was asked below the base.
function requestAt(request: Request, path: string, url: URL): Request {
  if (path === url.pathname) return request;
  const bodyless = request.method === 'GET' || request.method === 'HEAD';
  const init: RequestInit & { duplex?: 'half' } = {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    ...(bodyless ? {} : { body: request.body, duplex: 'half' }),
  };
  return new Request(new URL(`${path}${url.search}`, url.origin), init);
}

// Waits `ms`, or less when the request is aborted: the caller then reads `signal.aborted` and
// hands the request to nothing.
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
