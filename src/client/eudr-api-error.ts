import { WebhookClientError } from '../core/errors.js';
import { EUDR_API_ERROR_CODES as CODES } from '../core/internal/eudr-api-error-codes.js';
import type { RateLimitInfo } from './api-response.js';
import { pathTemplate } from './internal/path-template.js';

/**
 * Every error code the EUDR management API answers with, in N'entropy's `{ error, message }`
 * shape (docs/server-eudr.md): the very list the server answers with.
 *
 * @example
 * ```ts
 * EUDR_API_ERROR_CODES.includes('NOT_FOUND'); // true
 * ```
 */
export const EUDR_API_ERROR_CODES: typeof CODES = CODES;

/**
 * A documented EUDR error code, e.g. `VALIDATION_ERROR`.
 *
 * @example
 * ```ts
 * const retryLater: EudrApiErrorCode[] = ['RATE_LIMIT_EXCEEDED'];
 * ```
 */
export type EudrApiErrorCode = (typeof EUDR_API_ERROR_CODES)[number];

/**
 * One field-level failure of a `VALIDATION_ERROR`.
 *
 * @example
 * ```ts
 * if (isEudrApiError(err, 'VALIDATION_ERROR')) {
 *   for (const { field, message } of err.details) form.setError(field, message);
 * }
 * ```
 */
export interface EudrApiErrorDetail {
  /** The field's path, e.g. `events.0` (empty for the whole body). */
  readonly field: string;
  /** What is wrong with it, in the server's fixed words. */
  readonly message: string;
}

/**
 * What an {@link EudrApiError} is made of; only `method`, `path` and `status` are required.
 *
 * @example
 * ```ts
 * // A test double of the EUDR API's 404:
 * const notFound = new EudrApiError({ method: 'GET', path: '/webhook-events/wh_1', status: 404, error: 'NOT_FOUND' });
 * ```
 */
export interface EudrApiErrorInit {
  /** The request method (`GET`, `POST`, …). */
  readonly method: string;
  /** The request path below the base URL; the message shows it with ids as `{id}`. */
  readonly path: string;
  /** The HTTP status of the answer. */
  readonly status: number;
  /** The body's `error` code as sent; an undocumented one reads as `UNKNOWN`. */
  readonly error?: string | undefined;
  /** The body's `message`. */
  readonly detail?: string | undefined;
  /** The fields of a `VALIDATION_ERROR`. @default [] */
  readonly details?: readonly EudrApiErrorDetail[] | undefined;
  /** `Retry-After` in seconds (rounded up), when the answer had one. */
  readonly retryAfterSeconds?: number | undefined;
  /** The answer's `X-RateLimit-*`. */
  readonly rateLimit?: RateLimitInfo | undefined;
  /** The answer's `X-Request-Id`. */
  readonly requestId?: string | undefined;
  /** The `Idempotency-Key` the call sent, when it was a write. */
  readonly idempotencyKey?: string | undefined;
  /** The parsed body, when it was a JSON object. */
  readonly body?: Readonly<Record<string, unknown>> | undefined;
  readonly cause?: unknown;
}

// A global-registry symbol, so isEudrApiError() recognises errors of another loaded copy.
const BRAND: unique symbol = Symbol.for('@novatrade24/webhooks.eudr-api-error') as never;

const KNOWN: ReadonlySet<string> = new Set(EUDR_API_ERROR_CODES);

/**
 * The EUDR management API answered an error. Branch on `errorCode` (named so, since `code` is
 * this package's `api_error` and `message` the error's own text); an undocumented code is
 * `UNKNOWN` and stays readable in `body`. The body's `message` is `detail`, never part of the
 * error's message, which names the method, the route, the status and the documented code only.
 *
 * @example
 * ```ts
 * try { await eudr.register(input); }
 * catch (err) {
 *   if (isEudrApiError(err, 'VALIDATION_ERROR')) for (const d of err.details) console.warn(d.field);
 *   else throw err;
 * }
 * ```
 */
export class EudrApiError<
  E extends EudrApiErrorCode | 'UNKNOWN' = EudrApiErrorCode | 'UNKNOWN',
> extends WebhookClientError<'api_error'> {
  /** The HTTP status of the answer. */
  declare readonly status: number;
  /** The request method. */
  readonly method: string;
  /** The request path below the base URL. */
  readonly path: string;
  /** The documented error code of the body's `error`, or `UNKNOWN`. */
  readonly errorCode: E;
  /** The body's `message`, as sent: for people, never in this error's message. */
  readonly detail: string | undefined;
  /** The fields of a `VALIDATION_ERROR`; empty otherwise. */
  readonly details: readonly EudrApiErrorDetail[];
  /** `Retry-After` in seconds (rounded up), on a 429 or a 503 that had one. */
  readonly retryAfterSeconds: number | undefined;
  /** The answer's `X-RateLimit-*`, when it had them. */
  readonly rateLimit: RateLimitInfo | undefined;
  /** The answer's `X-Request-Id`: quote it when reporting a failure. */
  readonly requestId: string | undefined;
  /** The parsed body, when it was a JSON object. */
  readonly body: Readonly<Record<string, unknown>> | undefined;
  declare readonly [BRAND]: true;

  constructor(init: EudrApiErrorInit) {
    const errorCode = (
      typeof init.error === 'string' && KNOWN.has(init.error) ? init.error : 'UNKNOWN'
    ) as E;
    const what = errorCode === 'UNKNOWN' ? 'an undocumented error code (see `body`)' : errorCode;
    super(
      'api_error',
      `EUDR API: ${String(init.method)} ${pathTemplate(String(init.path))} answered ` +
        `${init.status} ${what}.`,
      { status: init.status, idempotencyKey: init.idempotencyKey, cause: init.cause },
    );
    this.name = 'EudrApiError';
    this.method = init.method;
    this.path = init.path;
    this.errorCode = errorCode;
    this.detail = init.detail;
    this.details = init.details ?? [];
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.rateLimit = init.rateLimit;
    this.requestId = init.requestId;
    this.body = init.body;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * True when `value` is an {@link EudrApiError}, including one of another loaded copy of this
 * package; with `errorCode`, only of that code.
 *
 * @example
 * ```ts
 * if (isEudrApiError(err, 'NOT_FOUND')) return undefined;
 * ```
 */
export function isEudrApiError<
  E extends EudrApiErrorCode | 'UNKNOWN' = EudrApiErrorCode | 'UNKNOWN',
>(value: unknown, errorCode?: E): value is EudrApiError<E> {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { [BRAND]?: unknown; code?: unknown; errorCode?: unknown };
  return (
    candidate[BRAND] === true &&
    candidate.code === 'api_error' &&
    typeof candidate.errorCode === 'string' &&
    (errorCode === undefined || candidate.errorCode === errorCode)
  );
}
