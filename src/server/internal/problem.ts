/**
 * RFC 9457 `application/problem+json` answers of the management API, in the shape of the
 * Novatrade24 API: `{ type, title, status, detail, instance, traceId, errors? }`.
 *
 * The functions are named `management…` to keep them apart from the receiver's
 * `problemResponse` (`src/receiver/problem.ts`), which answers webhook deliveries.
 *
 * - `type` is `<problemBaseUrl><suffix>`, the suffixes of {@link PROBLEM_TYPES}. The base must be
 *   an absolute `http:`/`https:` URL that ends with `/`, has no query, fragment or credentials,
 *   and is already in the URL parser's normal form (`new URL(base).href === base`: no leading or
 *   trailing spaces, tabs or newlines, lowercase scheme and host), so that appending a suffix
 *   always yields the intended URI; anything else is refused with `invalid_option` (a mistyped
 *   base would silently change every `type` clients branch on).
 * - `instance` is the request path only: a query string may hold tokens.
 * - `traceId` is the request id, also sent as `X-Request-Id`.
 * - `errors` belongs to `validation-error` (422) only: for any other type it is dropped, not
 *   refused, so that building the answer to an error never throws over a stray list.
 * - `errors[].rejectedValue` is sent only when the caller marks it safe, the field is not named
 *   like a secret, and the value is a scalar that does not look like a secret and is at most
 *   {@link MAX_REJECTED_VALUE_LENGTH} characters; otherwise it is left out, never truncated (a cut
 *   value would misreport what was rejected).
 * - Extra headers (`Retry-After`, …) must be valid HTTP header names and values: one that is not
 *   is refused with `invalid_option` at `headers`, without quoting it.
 */

import { integerOption } from '../../core/internal/integer-option.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import { isSaneRequestId, REQUEST_ID_HEADER } from './request-id.js';

/** One problem type: its HTTP status, its title, and whether this SDK added it to the spec's list. */
export interface ProblemTypeInfo {
  /** The HTTP status, repeated as the body's `status`. */
  readonly status: number;
  /** The fixed human summary, sent as `title`. */
  readonly title: string;
  /** `true` for types this SDK adds to the Novatrade24 list. */
  readonly extension: boolean;
}

/**
 * Every problem type, by `type` suffix. The Novatrade24 types first; the extensions cover answers
 * the spec has no type for: a request refused before validation (405, 413, 415), a state that
 * forbids the operation (`invalid-state`, e.g. replay on a PAUSED endpoint), the same
 * Idempotency-Key still in flight (docs/design.md §5.10) and a storage outage (503).
 */
export const PROBLEM_TYPES = {
  'malformed-request': { status: 400, title: 'Malformed Request', extension: false },
  unauthorized: { status: 401, title: 'Unauthorized', extension: false },
  forbidden: { status: 403, title: 'Forbidden', extension: false },
  'capability-required': { status: 403, title: 'Capability Required', extension: false },
  'dpa-not-accepted': { status: 403, title: 'DPA Not Accepted', extension: false },
  'not-found': { status: 404, title: 'Not Found', extension: false },
  'version-mismatch': { status: 409, title: 'Version Mismatch', extension: false },
  'resource-exists-different-body': {
    status: 409,
    title: 'Resource Exists With Different Body',
    extension: false,
  },
  'milestone-already-set': { status: 409, title: 'Milestone Already Set', extension: false },
  'validation-error': { status: 422, title: 'Validation Error', extension: false },
  'idempotency-key-reused': { status: 422, title: 'Idempotency Key Reused', extension: false },
  'rate-limited': { status: 429, title: 'Rate Limit Exceeded', extension: false },
  'internal-error': { status: 500, title: 'Internal Error', extension: false },
  'method-not-allowed': { status: 405, title: 'Method Not Allowed', extension: true },
  'invalid-state': { status: 409, title: 'Invalid State', extension: true },
  'idempotency-key-in-flight': { status: 409, title: 'Idempotency Key In Flight', extension: true },
  'payload-too-large': { status: 413, title: 'Payload Too Large', extension: true },
  'unsupported-media-type': { status: 415, title: 'Unsupported Media Type', extension: true },
  'service-unavailable': { status: 503, title: 'Service Unavailable', extension: true },
} as const satisfies Readonly<Record<string, ProblemTypeInfo>>;

/** A problem `type` suffix, e.g. `validation-error`. */
export type ProblemTypeSuffix = keyof typeof PROBLEM_TYPES;

/** The base of every problem `type` unless `problemBaseUrl` is given: the Novatrade24 one. */
export const DEFAULT_PROBLEM_BASE_URL = 'https://api.novatrade24.com/problems/';

/** The longest `rejectedValue` string sent back; a longer one is left out. */
export const MAX_REJECTED_VALUE_LENGTH = 200;

/** The media type of every problem response. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The shortest `Retry-After` a problem sends, in seconds. */
export const MIN_RETRY_AFTER_SECONDS = 1;

/** The longest `Retry-After` a problem sends, in seconds (a day). */
export const MAX_RETRY_AFTER_SECONDS = 86_400;

/**
 * Checks a `retryAfterSeconds` option: an integer from {@link MIN_RETRY_AFTER_SECONDS} to
 * {@link MAX_RETRY_AFTER_SECONDS}. The server calls it once, when it is created, so that a bad
 * value fails at start-up rather than while answering an error; the per-call checks of
 * `problemFromError` and `rateLimitedProblem` are the same few comparisons.
 *
 * @param value - the candidate, in seconds.
 * @param owner - the function or class that takes it, named in the message.
 * @throws WebhookValidationError `invalid_option` with one issue at `retryAfterSeconds`
 *   (`invalid_type`, `too_small` or `too_big`).
 * @example
 * ```ts
 * assertRetryAfterSeconds(options.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS, 'createServer');
 * ```
 */
export function assertRetryAfterSeconds(
  value: unknown,
  owner = 'assertRetryAfterSeconds',
): asserts value is number {
  if (
    typeof value === 'number' &&
    Number.isSafeInteger(value) &&
    value >= MIN_RETRY_AFTER_SECONDS &&
    value <= MAX_RETRY_AFTER_SECONDS
  ) {
    return;
  }
  // Throws for `undefined` too: integerOption() lets it pass, so it is checked as NaN would be.
  integerOption(owner, 'retryAfterSeconds', value === undefined ? Number.NaN : value, {
    min: MIN_RETRY_AFTER_SECONDS,
    max: MAX_RETRY_AFTER_SECONDS,
  });
}

/** One field-level failure as the caller reports it. */
export interface ProblemFieldInput {
  /** The field's path, e.g. `events.0` (empty for the whole body). */
  readonly field: string;
  /** What is wrong with it, for people; never quotes the value. */
  readonly message: string;
  /** The value that was refused; sent only under the rules of {@link safeRejectedValue}. */
  readonly rejectedValue?: unknown;
  /** `true` when the caller knows the value may be shown back. @default false */
  readonly exposeRejectedValue?: boolean;
}

/** One entry of the body's `errors`. */
export interface ProblemFieldError {
  readonly field: string;
  readonly message: string;
  readonly rejectedValue?: string | number | boolean | null;
}

/** What went wrong, before the request's context is added. */
export interface ProblemInput {
  /** The `type` suffix; it fixes the status and the title. */
  readonly type: ProblemTypeSuffix;
  /** Occurrence specifics for people; never a secret or a value from the request body. */
  readonly detail: string;
  /**
   * Field-level failures; sent as `errors` when given, even empty, but only for
   * `validation-error`: for any other type they are dropped.
   */
  readonly errors?: readonly ProblemFieldInput[];
  /**
   * Extra headers, e.g. `Retry-After`; they cannot replace `Content-Type` or `X-Request-Id`. A
   * name or value that `Headers` refuses makes `managementProblemResponse` throw `invalid_option`.
   */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Extension members, e.g. `currentResource` of `version-mismatch`. A member named like a
   * standard one (`type`, `status`, …) is ignored: the standard members always win.
   */
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** The request a problem answers. */
export interface ProblemContext {
  /** The request URL (`Request.url`) or path; only the path is kept, as `instance`. */
  readonly url: string;
  /** The request id (see `requestIdOf`), sent as `traceId` and `X-Request-Id`. */
  readonly requestId: string;
  /** The base of `type`, ending in `/`. @default DEFAULT_PROBLEM_BASE_URL */
  readonly problemBaseUrl?: string;
}

/** The problem body, as serialized. */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance: string;
  readonly traceId: string;
  readonly errors?: readonly ProblemFieldError[];
  readonly [extension: string]: unknown;
}

const STANDARD_MEMBERS = new Set([
  'type',
  'title',
  'status',
  'detail',
  'instance',
  'traceId',
  'errors',
  '__proto__',
]);

/**
 * Checks a `problemBaseUrl`: an absolute `http:` or `https:` URL ending in `/`, without query,
 * fragment or credentials, written exactly as the URL parser writes it (`new URL(value).href`
 * must equal `value`, so a base with spaces, tabs or newlines the parser would strip, an
 * uppercase host or a `..` segment is refused). Call it when the server is created, so a bad
 * base fails at start-up.
 *
 * @param value - the candidate base.
 * @throws WebhookValidationError `invalid_option` with one issue at `problemBaseUrl`
 *   (`invalid_type` for a non-string, `invalid_format` otherwise).
 * @example
 * ```ts
 * assertProblemBaseUrl('https://api.example.com/problems/');
 * ```
 */
export function assertProblemBaseUrl(value: unknown): asserts value is string {
  if (typeof value !== 'string') {
    throw invalidOption(
      'problemBaseUrl',
      '`problemBaseUrl` must be a string (an absolute http(s) URL ending in "/").',
      'invalid_type',
    );
  }
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const ok =
    url !== undefined &&
    url.href === value &&
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    url.username === '' &&
    url.password === '' &&
    value.endsWith('/') &&
    !value.includes('?') &&
    !value.includes('#');
  if (!ok) {
    throw invalidOption(
      'problemBaseUrl',
      `\`problemBaseUrl\` must be an absolute http(s) URL in normal form ending in "/" with no ` +
        `query, fragment or credentials, e.g. "${DEFAULT_PROBLEM_BASE_URL}" (got a string of ` +
        `${value.length} characters).`,
      'invalid_format',
    );
  }
}

/**
 * The `instance` of a request: the path of `url`, without query string or fragment (they may
 * hold tokens).
 *
 * @param url - an absolute URL (`Request.url`) or a path.
 * @example
 * ```ts
 * problemInstance('https://h/v1/webhooks/wh_1?token=x'); // '/v1/webhooks/wh_1'
 * ```
 */
export function problemInstance(url: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
    try {
      return new URL(url).pathname;
    } catch {
      // not a URL after all: treated as a path below
    }
  }
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

const SECRET_FIELD =
  /secret|token|passw|passphrase|pwd|jwt|authori[sz]ation|api[-_]?key|credential|private[-_]?key|signature|cookie|session/i;

// A name ending in `key` (`hmacKey`, `signingKey`, `apiKey`, `key`), also as a list: `keys.0`.
const KEY_FIELD = /keys?(?:\[\d+\]|\.\d+)*$/i;

/**
 * True when a field is named like a secret: its rejected value is never sent back. That is a
 * name containing `secret`, `token`, `passw`, `pwd`, `jwt`, `authorization`, `credential`,
 * `signature`, `cookie`, `session`, … or ending in `key` (`hmacKey`, `signingKey`), any case.
 */
export function isSecretLikeField(field: string): boolean {
  return SECRET_FIELD.test(field) || KEY_FIELD.test(field);
}

// Values that look like a secret or a credential: a webhook secret, an Authorization value, a
// JWT (`eyJ` is base64url of `{"`), a URL with `user:pass@`, a Stripe-style `sk_live_…` key.
const SECRET_VALUE = /^\s*(?:whsec_|bearer\s|basic\s|[spr]k_(?:live|test)_)/i;
const JWT_VALUE = /^\s*eyJ/;
const URL_CREDENTIALS = /:\/\/[^/@]*@/;

/** True when a string looks like a secret or a credential: it is never sent back. */
export function isSecretLikeValue(value: string): boolean {
  return SECRET_VALUE.test(value) || JWT_VALUE.test(value) || URL_CREDENTIALS.test(value);
}

/**
 * The `rejectedValue` to send for one field, or `undefined` to leave it out. Sent only when
 * `exposeRejectedValue` is `true`, the field is not named like a secret, and the value is `null`,
 * a boolean, a finite number, or a string of at most {@link MAX_REJECTED_VALUE_LENGTH}
 * characters that does not look like a secret or a credential ({@link isSecretLikeValue}:
 * `whsec_…`, `Bearer …`, `Basic …`, a JWT `eyJ…`, `sk_live_…`/`pk_test_…`/`rk_…`, a URL with
 * `user:pass@`).
 *
 * @param input - the field as reported.
 */
export function safeRejectedValue(
  input: ProblemFieldInput,
): string | number | boolean | null | undefined {
  if (input.exposeRejectedValue !== true || isSecretLikeField(input.field)) return undefined;
  const value = input.rejectedValue;
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.length > MAX_REJECTED_VALUE_LENGTH) return undefined;
  return isSecretLikeValue(value) ? undefined : value;
}

/**
 * The problem body for `input` in `context`. `input.errors` is sent for `validation-error` only
 * and dropped for every other type (not refused: the body answers an error and must not throw
 * over a stray list).
 *
 * @param input - the problem type, detail, field errors and extension members.
 * @param context - the request path or URL, the request id and the `type` base.
 * @throws WebhookValidationError `invalid_option` for a `problemBaseUrl` refused by
 *   {@link assertProblemBaseUrl}, an unknown `type` suffix (`type`), or a `requestId` that
 *   `isSaneRequestId` refuses (`requestId`).
 * @example
 * ```ts
 * managementProblemBody({ type: 'not-found', detail: 'No such endpoint.' }, { url: '/v1/webhooks/x', requestId: 'req_1' });
 * ```
 */
export function managementProblemBody(input: ProblemInput, context: ProblemContext): ProblemBody {
  const base = context.problemBaseUrl ?? DEFAULT_PROBLEM_BASE_URL;
  assertProblemBaseUrl(base);
  if (typeof input.type !== 'string' || !Object.hasOwn(PROBLEM_TYPES, input.type)) {
    throw invalidOption(
      'type',
      'The problem `type` must be a suffix of PROBLEM_TYPES.',
      'invalid_value',
    );
  }
  if (!isSaneRequestId(context.requestId)) {
    throw invalidOption(
      'requestId',
      'The problem `requestId` must be 1 to 128 visible ASCII characters; use requestIdOf().',
      'invalid_format',
    );
  }
  const info: ProblemTypeInfo = PROBLEM_TYPES[input.type];
  const body: Record<string, unknown> = {
    type: base + input.type,
    title: info.title,
    status: info.status,
    detail: input.detail,
    instance: problemInstance(context.url),
    traceId: context.requestId,
  };
  if (input.errors !== undefined && input.type === 'validation-error') {
    body.errors = input.errors.map(fieldError);
  }
  for (const [name, value] of Object.entries(input.extensions ?? {})) {
    if (!STANDARD_MEMBERS.has(name)) body[name] = value;
  }
  return body as unknown as ProblemBody;
}

function fieldError(input: ProblemFieldInput): ProblemFieldError {
  const rejectedValue = safeRejectedValue(input);
  const entry = { field: String(input.field), message: String(input.message) };
  return rejectedValue === undefined ? entry : { ...entry, rejectedValue };
}

/**
 * A problem+json `Response`: the status of the type, `Content-Type: application/problem+json`,
 * `X-Request-Id` set to the request id, and the extra headers of `input`.
 *
 * @param input - the problem type, detail, field errors, headers and extension members.
 * @param context - the request path or URL, the request id and the `type` base.
 * @throws WebhookValidationError `invalid_option`, as {@link managementProblemBody} does, and at
 *   `headers` (`invalid_value`) when an extra header name or value is not valid HTTP (the
 *   `TypeError` of `Headers`, reworded without quoting the header).
 * @example
 * ```ts
 * const requestId = requestIdOf(request);
 * return managementProblemResponse(
 *   { type: 'rate-limited', detail: '10 requests per minute for webhook category exceeded.', headers: { 'Retry-After': '6' } },
 *   { url: request.url, requestId },
 * );
 * ```
 */
export function managementProblemResponse(input: ProblemInput, context: ProblemContext): Response {
  const body = managementProblemBody(input, context);
  let headers: Headers;
  try {
    headers = new Headers(input.headers);
  } catch {
    throw invalidOption(
      'headers',
      'managementProblemResponse: `headers` must be valid HTTP header names and values.',
      'invalid_value',
    );
  }
  headers.set('Content-Type', PROBLEM_CONTENT_TYPE);
  headers.set(REQUEST_ID_HEADER, context.requestId);
  return new Response(JSON.stringify(body), { status: body.status, headers });
}
