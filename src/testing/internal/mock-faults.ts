// The simulated failures of the management API mock (`failNext`): a queue of faults, each
// answering the next `times` matching requests instead of the API, in the API's own words. A 429
// is the server's `rate-limited` problem (`rateLimitedProblem`) with `Retry-After` and the four
// `X-RateLimit-*` headers, as the limiter refuses a spent minute budget; a 500 and a 503 are the
// problems `problemFromError` gives an unexpected error and a storage outage. The API never
// answers 502 or 504 itself: a gateway in front of it does, so those are a gateway's bare text
// answer, without a problem body or `X-Request-Id`. A faulted request never reaches the API:
// nothing is written, nothing counts against a rate limit.
//
// The token endpoint is faulted only when a fault names it (`match: { api: 'token' }`), so a
// fault aimed at "the next request" keeps meaning the next API call. It answers as Keycloak, or
// the gateway in front of it, would: an OAuth2 error body (RFC 6749 §5.2: `temporarily_unavailable`
// for 429 and 503, `server_error` for 500) with `Retry-After` on 429 and 503, and the same bare
// gateway text for 502 and 504. No token is issued.

import { WebhookStorageError } from '../../core/errors.js';
import { assertKnownOptions } from '../../core/internal/assert-known-options.js';
import { describeValue } from '../../core/internal/describe-value.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import type { RenderProblem } from '../../server/internal/api-kernel.js';
import { templatePattern } from '../../server/internal/api-kernel.js';
import { assertRetryAfterSeconds, type ProblemInput } from '../../server/internal/problem.js';
import { problemFromError } from '../../server/internal/problem-from-error.js';
import {
  MINUTE_WINDOW_MS,
  type RateLimitCategory,
  rateLimitCategoryOf,
} from '../../server/internal/rate-limit/rate-limit-policy.js';
import { rateLimitedProblem } from '../../server/internal/rate-limited-problem.js';
import { requestIdOf } from '../../server/internal/request-id.js';

/** The statuses a fault can answer. */
export const MOCK_FAULT_STATUSES = [429, 500, 502, 503, 504] as const;

/** A status a fault can answer. */
export type MockFaultStatus = (typeof MOCK_FAULT_STATUSES)[number];

/** Which of the mock's APIs a request went to. */
export type MockApiName = 'management' | 'eudr';

/** What a fault can be aimed at: one of the APIs, or the token endpoint. */
type FaultTarget = MockApiName | 'token';

/** Which requests a fault answers; every field given must match. */
export interface MockFaultMatch {
  /** The method, any case, e.g. `'POST'`. @default every method */
  readonly method?: string | undefined;
  /**
   * The path below the API's base URL, without the query: exact, as a route template
   * (`'/v1/webhooks/{id}'`), or a `RegExp` tested against it. Not with `api: 'token'`.
   * @default every path
   */
  readonly path?: string | RegExp | undefined;
  /**
   * The API: the management API, the EUDR registration API, or `'token'` for the token
   * endpoint, which only a fault naming it fails.
   * @default either API, never the token endpoint
   */
  readonly api?: MockApiName | 'token' | undefined;
}

/** A simulated failure: what to answer, how many times, and to which requests. */
export interface MockFault {
  /** The status: 429 (rate limited), 500, 502, 503 or 504. */
  readonly status: MockFaultStatus;
  /**
   * How many matching requests it answers: a positive integer, or `Infinity` until `reset()`.
   * @default 1
   */
  readonly times?: number | undefined;
  /**
   * `Retry-After` in seconds (1 to 86400). @default for 429 the seconds left in the current
   * minute window (as the API's limiter says), for 503 10 (the API's default), for 500, 502 and
   * 504 none; the same on the token endpoint
   */
  readonly retryAfterSeconds?: number | undefined;
  /**
   * Which requests it answers. @default the next request to either API, of any kind (never the
   * token endpoint)
   */
  readonly match?: MockFaultMatch | undefined;
}

const FAULT_FIELDS = ['status', 'times', 'retryAfterSeconds', 'match'] as const;
const MATCH_FIELDS = ['method', 'path', 'api'] as const;
const OWNER = 'failNext';

/** A checked fault with its remaining count. */
interface QueuedFault {
  readonly status: MockFaultStatus;
  readonly retryAfterSeconds: number | undefined;
  readonly matches: (api: FaultTarget, method: string, path: string) => boolean;
  remaining: number;
}

/** The faults waiting for requests, oldest first. */
export interface MockFaultQueue {
  /**
   * Checks and queues `fault`.
   *
   * @throws WebhookValidationError `invalid_option` naming the faulty field.
   */
  readonly add: (fault: MockFault) => void;
  /**
   * The first queued fault matching the request, counted as used; `undefined` when none. The
   * token endpoint's requests are taken as `('token', method, '/')`.
   */
  readonly take: (api: FaultTarget, method: string, path: string) => QueuedFault | undefined;
  readonly clear: () => void;
}

/** An empty fault queue. */
export function createMockFaultQueue(): MockFaultQueue {
  const queue: QueuedFault[] = [];
  return Object.freeze({
    add(fault: MockFault): void {
      queue.push(checkFault(fault));
    },
    take(api: FaultTarget, method: string, path: string): QueuedFault | undefined {
      const index = queue.findIndex((fault) => fault.matches(api, method, path));
      if (index === -1) return undefined;
      const fault = queue[index] as QueuedFault;
      fault.remaining -= 1;
      if (fault.remaining <= 0) queue.splice(index, 1);
      return fault;
    },
    clear(): void {
      queue.splice(0);
    },
  });
}

function checkFault(fault: unknown): QueuedFault {
  if (typeof fault !== 'object' || fault === null || Array.isArray(fault)) {
    throw invalidOption(
      'fault',
      `${OWNER}: expected { status, times?, retryAfterSeconds?, match? }; got ${describeValue(fault)}.`,
      'invalid_type',
    );
  }
  assertKnownOptions(fault, FAULT_FIELDS, OWNER);
  const { status, times = 1, retryAfterSeconds, match } = fault as MockFault;
  if (!(MOCK_FAULT_STATUSES as readonly unknown[]).includes(status)) {
    throw invalidOption(
      'status',
      `${OWNER}: \`status\` must be one of ${MOCK_FAULT_STATUSES.join(', ')}; got ${describeValue(status)}.`,
      'invalid_value',
    );
  }
  if (!(times === Number.POSITIVE_INFINITY || (Number.isSafeInteger(times) && times >= 1))) {
    throw invalidOption(
      'times',
      `${OWNER}: \`times\` must be a positive integer or Infinity; got ${describeValue(times)}.`,
      typeof times === 'number' ? 'too_small' : 'invalid_type',
    );
  }
  if (retryAfterSeconds !== undefined) assertRetryAfterSeconds(retryAfterSeconds, OWNER);
  return { status, retryAfterSeconds, matches: matcherOf(match), remaining: times };
}

function matcherOf(
  match: MockFaultMatch | undefined,
): (api: FaultTarget, method: string, path: string) => boolean {
  if (match === undefined) return (requestApi) => requestApi !== 'token';
  if (typeof match !== 'object' || match === null || Array.isArray(match)) {
    throw invalidOption(
      'match',
      `${OWNER}: \`match\` must be { method?, path?, api? }; got ${describeValue(match)}.`,
      'invalid_type',
    );
  }
  assertKnownOptions(match, MATCH_FIELDS, `${OWNER}: match`);
  const { method, path, api } = match;
  if (method !== undefined && (typeof method !== 'string' || !/^[A-Za-z]+$/.test(method))) {
    throw invalidOption(
      'match.method',
      `${OWNER}: \`match.method\` must be an HTTP method such as 'POST'; got ${describeValue(method)}.`,
      typeof method === 'string' ? 'invalid_format' : 'invalid_type',
    );
  }
  let pathPattern: RegExp | undefined;
  if (path instanceof RegExp) {
    pathPattern = path;
  } else if (typeof path === 'string' && path.startsWith('/')) {
    pathPattern = templatePattern(path);
  } else if (path !== undefined) {
    throw invalidOption(
      'match.path',
      `${OWNER}: \`match.path\` must be a path starting with '/' (a route template such as '/v1/webhooks/{id}' works) or a RegExp; got ${describeValue(path)}.`,
      typeof path === 'string' ? 'invalid_format' : 'invalid_type',
    );
  }
  if (api !== undefined && api !== 'management' && api !== 'eudr' && api !== 'token') {
    throw invalidOption(
      'match.api',
      `${OWNER}: \`match.api\` must be 'management', 'eudr' or 'token'; got ${describeValue(api)}.`,
      'invalid_value',
    );
  }
  if (api === 'token' && path !== undefined) {
    throw invalidOption(
      'match.path',
      `${OWNER}: \`match.path\` does not apply to the token endpoint (\`match.api: 'token'\`), ` +
        'which is one URL; drop it.',
      'invalid_value',
    );
  }
  const upperMethod = method?.toUpperCase();
  return (requestApi, requestMethod, requestPath) => {
    // The token endpoint only for a fault that names it; either API for one that names none.
    if (api === undefined ? requestApi === 'token' : api !== requestApi) return false;
    if (upperMethod !== undefined && upperMethod !== requestMethod.toUpperCase()) return false;
    if (pathPattern !== undefined) {
      pathPattern.lastIndex = 0;
      if (!pathPattern.test(requestPath)) return false;
    }
    return true;
  };
}

/** How the API that a faulted request went to answers. */
export interface FaultAnswerContext {
  /** The request, with its URL relative to the API as the API sees it. */
  readonly request: Request;
  /** The request's path below the API's base URL. */
  readonly path: string;
  /** The API's problem renderer (problem+json, or the EUDR error shape). */
  readonly render: RenderProblem;
  /** The paths whose routes count as `webhook`. */
  readonly webhookPrefixes: readonly string[];
  /** The per-minute limit of a category for the caller. */
  readonly perMinuteOf: (category: RateLimitCategory) => number;
  /** The mock's clock, epoch ms. */
  readonly nowMs: number;
}

const GATEWAY_TEXT: Readonly<Record<number, string>> = {
  502: 'Bad Gateway',
  504: 'Gateway Timeout',
};

/** A gateway's bare answer (502, 504): text, no problem body, no `X-Request-Id`. */
function gatewayResponse(status: 502 | 504, retryAfterSeconds: number | undefined): Response {
  const headers: Record<string, string> = { 'Content-Type': 'text/plain; charset=utf-8' };
  if (retryAfterSeconds !== undefined) headers['Retry-After'] = String(retryAfterSeconds);
  return new Response(GATEWAY_TEXT[status], { status, headers });
}

/** The seconds left in the minute window of `nowMs` (at least 1), and the window's end. */
function minuteLeft(nowMs: number): { seconds: number; endMs: number } {
  const endMs = (Math.floor(nowMs / MINUTE_WINDOW_MS) + 1) * MINUTE_WINDOW_MS;
  return { seconds: Math.max(1, Math.ceil((endMs - nowMs) / 1000)), endMs };
}

/** The API's answer to a request that `fault` fails. */
export function faultResponse(
  fault: Pick<QueuedFault, 'status' | 'retryAfterSeconds'>,
  context: FaultAnswerContext,
): Response {
  const { status, retryAfterSeconds } = fault;
  if (status === 502 || status === 504) return gatewayResponse(status, retryAfterSeconds);
  const { request, render, nowMs } = context;
  const problemContext = { url: request.url, requestId: requestIdOf(request) };
  if (status === 429) {
    const category = rateLimitCategoryOf(request.method, context.path, context.webhookPrefixes);
    const limit = context.perMinuteOf(category);
    const minute = minuteLeft(nowMs);
    const minuteEndMs = minute.endMs;
    const response = render(
      rateLimitedProblem({
        limit,
        category,
        retryAfterSeconds: retryAfterSeconds ?? minute.seconds,
        exceeded: 'minute',
      }),
      problemContext,
    );
    response.headers.set('X-RateLimit-Limit', String(limit));
    response.headers.set('X-RateLimit-Remaining', '0');
    response.headers.set('X-RateLimit-Reset', String(minuteEndMs / 1000));
    response.headers.set('X-RateLimit-Category', category);
    return response;
  }
  const problem: ProblemInput =
    status === 503
      ? problemFromError(new WebhookStorageError('storage_unavailable', 'simulated outage'), {
          ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
        })
      : problemFromError(new Error('simulated failure'));
  if (status === 500 && retryAfterSeconds !== undefined) {
    return render(
      { ...problem, headers: { 'Retry-After': String(retryAfterSeconds) } },
      problemContext,
    );
  }
  return render(problem, problemContext);
}

/** The 503's `Retry-After` when the fault gives none: the API's own default. */
const DEFAULT_UNAVAILABLE_RETRY_AFTER_SECONDS = 10;

const TOKEN_ERRORS: Readonly<Record<429 | 500 | 503, readonly [string, string]>> = {
  429: ['temporarily_unavailable', 'Too many requests; retry after the Retry-After delay.'],
  500: ['server_error', 'An unexpected error occurred.'],
  503: ['temporarily_unavailable', 'The service is temporarily unavailable.'],
};

/**
 * The token endpoint's answer to a request that `fault` fails: an OAuth2 error body (`no-store`),
 * with `Retry-After` on 429 (the seconds left in the minute) and 503 (10 s) unless the fault sets
 * one; 502 and 504 a gateway's bare text.
 *
 * @param nowMs - the mock's clock, epoch ms.
 */
export function tokenFaultResponse(
  fault: Pick<QueuedFault, 'status' | 'retryAfterSeconds'>,
  nowMs: number,
): Response {
  const { status, retryAfterSeconds } = fault;
  if (status === 502 || status === 504) return gatewayResponse(status, retryAfterSeconds);
  const [error, description] = TOKEN_ERRORS[status];
  const retryAfter =
    retryAfterSeconds ??
    (status === 429
      ? minuteLeft(nowMs).seconds
      : status === 503
        ? DEFAULT_UNAVAILABLE_RETRY_AFTER_SECONDS
        : undefined);
  const headers: Record<string, string> = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };
  if (retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
  return Response.json({ error, error_description: description }, { status, headers });
}
