import { WebhookClientError } from '../core/errors.js';
import type { RateLimitInfo } from './api-response.js';
import { pathTemplate } from './internal/path-template.js';

/**
 * Every problem type the Novatrade24 management API documents, by `type` suffix, with its fixed
 * title: the spec's list and this SDK's extensions (docs/server.md, "Errors"). A test keeps it
 * equal to the server's `PROBLEM_TYPES`.
 *
 * @example
 * ```ts
 * NOVATRADE_PROBLEM_TYPES['rate-limited']; // 'Rate Limit Exceeded'
 * Object.hasOwn(NOVATRADE_PROBLEM_TYPES, 'not-found'); // true
 * ```
 */
export const NOVATRADE_PROBLEM_TYPES = {
  'malformed-request': 'Malformed Request',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  'capability-required': 'Capability Required',
  'dpa-not-accepted': 'DPA Not Accepted',
  'not-found': 'Not Found',
  'version-mismatch': 'Version Mismatch',
  'resource-exists-different-body': 'Resource Exists With Different Body',
  'milestone-already-set': 'Milestone Already Set',
  'validation-error': 'Validation Error',
  'idempotency-key-reused': 'Idempotency Key Reused',
  'rate-limited': 'Rate Limit Exceeded',
  'internal-error': 'Internal Error',
  'method-not-allowed': 'Method Not Allowed',
  'invalid-state': 'Invalid State',
  'idempotency-key-in-flight': 'Idempotency Key In Flight',
  'payload-too-large': 'Payload Too Large',
  'unsupported-media-type': 'Unsupported Media Type',
  'service-unavailable': 'Service Unavailable',
} as const;

/**
 * A documented problem type, by its `type` suffix (`validation-error`, `rate-limited`, …).
 *
 * @example
 * ```ts
 * const retryLater: NovatradeProblemType[] = ['rate-limited', 'service-unavailable'];
 * ```
 */
export type NovatradeProblemType = keyof typeof NOVATRADE_PROBLEM_TYPES;

/**
 * What {@link NovatradeApiError.problemType} holds: a documented type, or `unknown` for any other
 * `type` (a newer server's type, `about:blank`, an answer that was not problem+json), which stays
 * readable through `type`.
 *
 * @example
 * ```ts
 * switch (err.problemType) {
 *   case 'not-found':
 *     return undefined;
 *   case 'unknown': // a type this version does not know: its URI is in err.type
 *   default:
 *     throw err;
 * }
 * ```
 */
export type NovatradeApiProblemType = NovatradeProblemType | 'unknown';

/**
 * One entry of a `validation-error`'s `errors[]`, as the server sent it.
 *
 * @example
 * ```ts
 * if (isNovatradeApiError(err, 'validation-error')) {
 *   for (const { field, message } of err.errors) form.setError(field, message);
 * }
 * ```
 */
export interface NovatradeProblemFieldError {
  /** The field's path, dotted (`partnerIds.0`); empty for the whole body. */
  readonly field: string;
  /** What is wrong with it, in the server's fixed words. */
  readonly message: string;
  /** The refused value, when the server echoed it (only for fields that cannot hold secrets). */
  readonly rejectedValue?: string | number | boolean | null;
}

/**
 * What a {@link NovatradeApiError} is made of; only `method`, `path` and `status` are required.
 *
 * @example
 * ```ts
 * // A test double of the API's 404:
 * const notFound = new NovatradeApiError({
 *   method: 'GET',
 *   path: '/v1/webhooks/wh_1',
 *   status: 404,
 *   type: 'https://api.novatrade24.com/problems/not-found',
 * });
 * ```
 */
export interface NovatradeApiErrorInit {
  /** The request method (`GET`, `POST`, …). */
  readonly method: string;
  /** The request path below the base URL; the message shows it with ids as `{id}`. */
  readonly path: string;
  /** The HTTP status of the answer. */
  readonly status: number;
  /** The problem `type` URI. @default 'about:blank' */
  readonly type?: string | undefined;
  /** The problem's `title`. */
  readonly title?: string | undefined;
  /** The problem's `detail`: for people, never put into the message. */
  readonly detail?: string | undefined;
  /** The problem's `instance` (the request path). */
  readonly instance?: string | undefined;
  /** The problem's `traceId` (the server's request id). */
  readonly traceId?: string | undefined;
  /** The `errors[]` of a `validation-error`. @default [] */
  readonly errors?: readonly NovatradeProblemFieldError[] | undefined;
  /** `Retry-After` in seconds (rounded up), when the answer had one. */
  readonly retryAfterSeconds?: number | undefined;
  /** The answer's `X-RateLimit-*`. */
  readonly rateLimit?: RateLimitInfo | undefined;
  /** The answer's `X-Request-Id`. */
  readonly requestId?: string | undefined;
  /** The `Idempotency-Key` the call sent, when it was a write. */
  readonly idempotencyKey?: string | undefined;
  /** The parsed problem object, when the body was a JSON object. */
  readonly problem?: Readonly<Record<string, unknown>> | undefined;
  /** The underlying error, if any. */
  readonly cause?: unknown;
}

// A global-registry symbol, so isNovatradeApiError() recognises errors of another loaded copy.
const BRAND: unique symbol = Symbol.for('@novatrade24/webhooks.novatrade-api-error') as never;

const HINTS: Readonly<Partial<Record<NovatradeApiProblemType, string>>> = {
  'validation-error': 'read `errors` for the fields',
  'rate-limited': 'retry after `retryAfterSeconds`',
  'service-unavailable': 'retry after `retryAfterSeconds`',
  unauthorized: 'check the client credentials or token',
  'dpa-not-accepted': 'accept the data processing agreement first',
  'idempotency-key-reused': 'use a new Idempotency-Key for a different request',
  'idempotency-key-in-flight': 'the same key is still being processed; retry shortly',
  'internal-error': 'quote `traceId` when reporting it',
};

/**
 * The documented problem type a `type` URI names: its last path segment when that is a suffix of
 * {@link NOVATRADE_PROBLEM_TYPES} (whatever the base: the server's `problemBaseUrl` may differ),
 * else `unknown`.
 *
 * @example
 * ```ts
 * problemTypeOf('https://api.novatrade24.com/problems/rate-limited'); // 'rate-limited'
 * problemTypeOf('about:blank'); // 'unknown'
 * ```
 */
export function problemTypeOf(type: string): NovatradeApiProblemType {
  if (typeof type !== 'string') return 'unknown';
  const end = type.search(/[?#]/);
  const bare = end === -1 ? type : type.slice(0, end);
  const slug = bare.slice(bare.lastIndexOf('/') + 1);
  return bare.includes('/') && Object.hasOwn(NOVATRADE_PROBLEM_TYPES, slug)
    ? (slug as NovatradeProblemType)
    : 'unknown';
}

/**
 * The Novatrade24 management API answered an error (RFC 9457 problem+json). Branch on
 * `problemType` (a `switch` narrows it); an undocumented type is `unknown` and keeps its URI in
 * `type`. An error answer that is not problem+json (an HTML 502 from a proxy, an empty body) is
 * one too, with `type` `about:blank`. The message names the method, the route, the status and
 * the documented title, never `detail`, `errors` or anything else from the body.
 *
 * @typeParam P - the problem type, narrowed by {@link isNovatradeApiError}'s second argument.
 * @example
 * ```ts
 * try { await client.endpoints.create(input); }
 * catch (err) {
 *   if (!isNovatradeApiError(err)) throw err;
 *   switch (err.problemType) {
 *     case 'validation-error': for (const e of err.errors) console.warn(e.field, e.message); break;
 *     case 'rate-limited': await sleep((err.retryAfterSeconds ?? 1) * 1000); break;
 *     default: throw err;
 *   }
 * }
 * ```
 */
export class NovatradeApiError<
  P extends NovatradeApiProblemType = NovatradeApiProblemType,
> extends WebhookClientError<'api_error'> {
  /** The HTTP status of the answer. */
  declare readonly status: number;
  /** The request method. */
  readonly method: string;
  /** The request path below the base URL. */
  readonly path: string;
  /** The problem `type` URI as sent; `about:blank` when the body had none. */
  readonly type: string;
  /** The documented type `type` names, or `unknown`. */
  readonly problemType: P;
  /** The problem's `title`, as sent. */
  readonly title: string | undefined;
  /** The problem's `detail`, as sent: for people, never in the message. */
  readonly detail: string | undefined;
  /** The problem's `instance` (the request path). */
  readonly instance: string | undefined;
  /** The problem's `traceId` (the server's request id): quote it when reporting a failure. */
  readonly traceId: string | undefined;
  /** The field errors of a `validation-error`; empty otherwise. */
  readonly errors: readonly NovatradeProblemFieldError[];
  /** `Retry-After` in seconds (rounded up), on a 429 or a 503 that had one. */
  readonly retryAfterSeconds: number | undefined;
  /** The answer's `X-RateLimit-*`, when it had them. */
  readonly rateLimit: RateLimitInfo | undefined;
  /** The answer's `X-Request-Id`. */
  readonly requestId: string | undefined;
  /** The parsed problem object, with any extension members; `undefined` when not JSON. */
  readonly problem: Readonly<Record<string, unknown>> | undefined;
  declare readonly [BRAND]: true;

  constructor(init: NovatradeApiErrorInit) {
    const type = typeof init.type === 'string' && init.type !== '' ? init.type : 'about:blank';
    const problemType = problemTypeOf(type);
    super('api_error', messageOf(init, problemType), {
      status: init.status,
      idempotencyKey: init.idempotencyKey,
      cause: init.cause,
    });
    this.name = 'NovatradeApiError';
    this.method = init.method;
    this.path = init.path;
    this.type = type;
    this.problemType = problemType as P;
    this.title = init.title;
    this.detail = init.detail;
    this.instance = init.instance;
    this.traceId = init.traceId;
    this.errors = init.errors ?? [];
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.rateLimit = init.rateLimit;
    this.requestId = init.requestId;
    this.problem = init.problem;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

function messageOf(
  init: Pick<NovatradeApiErrorInit, 'method' | 'path' | 'status'>,
  problemType: NovatradeApiProblemType,
): string {
  const { method, path, status } = init;
  const what =
    problemType === 'unknown'
      ? 'an error that is not a documented problem type (see `type`)'
      : `${NOVATRADE_PROBLEM_TYPES[problemType]} (${problemType})`;
  const hint = HINTS[problemType];
  return (
    `Novatrade24 API: ${String(method)} ${pathTemplate(String(path))} answered ${status} ` +
    `${what}${hint === undefined ? '' : `; ${hint}`}.`
  );
}

/**
 * True when `value` is a {@link NovatradeApiError}, including one thrown by another loaded copy of
 * this package (ESM and CJS side by side); with `problemType`, only of that type.
 *
 * @param value - anything caught.
 * @param problemType - a documented type (or `unknown`) to match.
 * @example
 * ```ts
 * if (isNovatradeApiError(err, 'not-found')) return undefined;
 * ```
 */
export function isNovatradeApiError<P extends NovatradeApiProblemType = NovatradeApiProblemType>(
  value: unknown,
  problemType?: P,
): value is NovatradeApiError<P> {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { [BRAND]?: unknown; code?: unknown; problemType?: unknown };
  return (
    candidate[BRAND] === true &&
    candidate.code === 'api_error' &&
    typeof candidate.problemType === 'string' &&
    (problemType === undefined || candidate.problemType === problemType)
  );
}
