// The error answers of the management APIs, as typed errors: RFC 9457 problem+json from the
// Novatrade24 API (docs/server.md, "Errors") and `{ error, message, details? }` from the EUDR API
// (docs/server-eudr.md). The body comes from the network (or from a proxy in front of it: an HTML
// 502, an empty 503), so every function here is pure and never throws: what does not have the
// documented shape is left out, and an unreadable body still gives an error with its status.

import { EudrApiError, type EudrApiErrorDetail } from '../eudr-api-error.js';
import { NovatradeApiError, type NovatradeProblemFieldError } from '../novatrade-api-error.js';
import { type HeaderSource, readRateLimitHeaders } from './read-rate-limit-headers.js';
import { retryAfterMsOf } from './retry-after-ms-of.js';

/** The members of a problem body that have their documented type. */
export interface ParsedProblem {
  /** `type`, or `about:blank` when absent or not a non-empty string (RFC 9457 §4.2.1). */
  readonly type: string;
  readonly title: string | undefined;
  readonly detail: string | undefined;
  readonly instance: string | undefined;
  readonly traceId: string | undefined;
  /** The well-formed entries of `errors[]` (a string `field` and `message`). */
  readonly errors: readonly NovatradeProblemFieldError[];
  /** The parsed object, when the body was a JSON object. */
  readonly problem: Readonly<Record<string, unknown>> | undefined;
}

/** The members of an EUDR error body that have their documented type. */
export interface ParsedEudrError {
  /** `error` as sent, when a string. */
  readonly error: string | undefined;
  /** `message`, when a string. */
  readonly detail: string | undefined;
  /** The well-formed entries of `details[]`. */
  readonly details: readonly EudrApiErrorDetail[];
  readonly body: Readonly<Record<string, unknown>> | undefined;
}

/** The body as a JSON object, or `undefined` (not JSON, or an array or a scalar). */
export function jsonObjectOf(text: string): Record<string, unknown> | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function own(object: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(object, name) ? object[name] : undefined;
}

/**
 * A problem+json body's members, each kept only when it has its documented type.
 *
 * @param text - the body as text (may be anything, or empty).
 * @example
 * ```ts
 * readProblemBody('{"type":"https://api.novatrade24.com/problems/not-found","status":404}').type;
 * ```
 */
export function readProblemBody(text: string): ParsedProblem {
  const object = jsonObjectOf(text);
  if (object === undefined) {
    return {
      type: 'about:blank',
      title: undefined,
      detail: undefined,
      instance: undefined,
      traceId: undefined,
      errors: [],
      problem: undefined,
    };
  }
  const type = stringOf(own(object, 'type'));
  return {
    type: type === undefined || type === '' ? 'about:blank' : type,
    title: stringOf(own(object, 'title')),
    detail: stringOf(own(object, 'detail')),
    instance: stringOf(own(object, 'instance')),
    traceId: stringOf(own(object, 'traceId')),
    errors: fieldErrorsOf(own(object, 'errors')),
    problem: object,
  };
}

function fieldErrorsOf(value: unknown): NovatradeProblemFieldError[] {
  if (!Array.isArray(value)) return [];
  const entries: NovatradeProblemFieldError[] = [];
  for (const item of value) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) continue;
    const entry = item as Record<string, unknown>;
    const field = own(entry, 'field');
    const message = own(entry, 'message');
    if (typeof field !== 'string' || typeof message !== 'string') continue;
    const rejected = own(entry, 'rejectedValue');
    entries.push(
      Object.hasOwn(entry, 'rejectedValue') && isScalar(rejected)
        ? { field, message, rejectedValue: rejected }
        : { field, message },
    );
  }
  return entries;
}

/** The `rejectedValue`s the server sends: a string, a finite number, a boolean or null. */
function isScalar(value: unknown): value is string | number | boolean | null {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/**
 * An EUDR error body's members, each kept only when it has its documented type.
 *
 * @param text - the body as text (may be anything, or empty).
 * @example
 * ```ts
 * readEudrErrorBody('{"error":"NOT_FOUND","message":"No such resource."}').error; // 'NOT_FOUND'
 * ```
 */
export function readEudrErrorBody(text: string): ParsedEudrError {
  const object = jsonObjectOf(text);
  if (object === undefined) {
    return { error: undefined, detail: undefined, details: [], body: undefined };
  }
  const details: EudrApiErrorDetail[] = [];
  const list = own(object, 'details');
  for (const item of Array.isArray(list) ? list : []) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) continue;
    const field = own(item as Record<string, unknown>, 'field');
    const message = own(item as Record<string, unknown>, 'message');
    if (typeof field === 'string' && typeof message === 'string') details.push({ field, message });
  }
  return {
    error: stringOf(own(object, 'error')),
    detail: stringOf(own(object, 'message')),
    details,
    body: object,
  };
}

/** The error answer to turn into a typed error. */
export interface ErrorAnswer {
  /** Which API answered: the Novatrade24 problem+json or the EUDR `{ error, message }`. */
  readonly format: 'problem' | 'eudr';
  readonly method: string;
  /** The request path below the base URL. */
  readonly path: string;
  readonly status: number;
  readonly headers: HeaderSource;
  /** The body as text (empty when there was none or it could not be read). */
  readonly text: string;
  /** The current time, epoch milliseconds, for a `Retry-After` HTTP-date. */
  readonly nowMs: number;
  /** The `Idempotency-Key` the call sent, when it was a write: the error carries it. */
  readonly idempotencyKey?: string | undefined;
}

/** The typed error of an answer, with how long its `Retry-After` asked to wait. */
export interface ReadErrorBodyResult {
  readonly error: NovatradeApiError | EudrApiError;
  /** `Retry-After` in milliseconds, on a 429 or a 503 that had a valid one. */
  readonly retryAfterMs: number | undefined;
}

function headerOf(headers: HeaderSource, name: string): string | undefined {
  try {
    return headers.get(name) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The typed error of an error answer: a {@link NovatradeApiError} or an {@link EudrApiError} with
 * the status, the body's members, `X-RateLimit-*`, `X-Request-Id` and, for a 429 or a 503,
 * `Retry-After`. Never throws.
 *
 * @example
 * ```ts
 * const { error, retryAfterMs } = readErrorBody({ format: 'problem', method: 'GET',
 *   path: '/v1/webhooks', status: 429, headers: response.headers, text, nowMs: Date.now() });
 * ```
 */
export function readErrorBody(answer: ErrorAnswer): ReadErrorBodyResult {
  const retryAfterMs =
    answer.status === 429 || answer.status === 503
      ? retryAfterMsOf(headerOf(answer.headers, 'Retry-After'), answer.nowMs)
      : undefined;
  const common = {
    method: answer.method,
    path: answer.path,
    status: answer.status,
    retryAfterSeconds: retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000),
    rateLimit: readRateLimitHeaders(answer.headers),
    requestId: headerOf(answer.headers, 'X-Request-Id'),
    idempotencyKey: answer.idempotencyKey,
  };
  if (answer.format === 'eudr') {
    const body = readEudrErrorBody(answer.text);
    return {
      error: new EudrApiError({
        ...common,
        error: body.error,
        detail: body.detail,
        details: body.details,
        body: body.body,
      }),
      retryAfterMs,
    };
  }
  return {
    error: new NovatradeApiError({ ...common, ...readProblemBody(answer.text) }),
    retryAfterMs,
  };
}
