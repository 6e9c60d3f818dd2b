// The error answers of the EUDR management API in N'entropy's shape, not problem+json:
// `{ "error": "ERROR_CODE", "message": "Human-readable description" }` (docs/design.md §6.10,
// docs/server-eudr.md). The kernel decides every error as a problem (`ProblemInput`); this module
// renders it: the problem `type` picks the code and the status, the kernel's fixed `detail` is the
// message, and a validation error lists its fields as `details: [{ field, message }]`.
//
// - Every problem type has a row in one table typed over `ProblemTypeSuffix`, so a type added to
//   the kernel does not compile until it has an EUDR code here.
// - `VALIDATION_ERROR` is a 400, not the Novatrade API's 422: N'entropy answers a request it
//   refuses with a 400 and branches clients on `error`, not on the status. The other codes keep
//   the Novatrade API's statuses; `IDEMPOTENCY_KEY_REUSED` stays a 422, as the IETF
//   Idempotency-Key draft answers a key reused with another body.
// - `unauthorized` is `AUTHENTICATION_REQUIRED` when the request had no Authorization header and
//   `INVALID_TOKEN` when it had one: the kernel says which through its `WWW-Authenticate` value
//   (`error="invalid_token"` only when a header was sent).
// - `details[]` entries carry the field path and a fixed message, never the refused value; no
//   message quotes the request (docs/design.md §5.20).
// - The headers of the problem are kept (`Retry-After`, `Allow`, `WWW-Authenticate`), with
//   `Content-Type: application/json` and `X-Request-Id`. Rendering never throws: it answers an
//   error, and a header it cannot set is left out.

import { EUDR_API_ERROR_CODES } from '../../../core/internal/eudr-api-error-codes.js';
import type { ProblemContext, ProblemInput, ProblemTypeSuffix } from '../problem.js';
import { REQUEST_ID_HEADER } from '../request-id.js';

/** Every error code the EUDR management API answers with (the list the client reads too). */
export const EUDR_ERROR_CODES = EUDR_API_ERROR_CODES;

/** An error code of the EUDR management API, e.g. `VALIDATION_ERROR`. */
export type EudrErrorCode = (typeof EUDR_ERROR_CODES)[number];

/** One field-level failure of a `VALIDATION_ERROR`. */
export interface EudrErrorDetail {
  /** The field's path, e.g. `events.0` (empty for the whole body). */
  readonly field: string;
  /** What is wrong with it, in fixed words; never the value. */
  readonly message: string;
}

/** The body of every error answer. */
export interface EudrErrorBody {
  readonly error: EudrErrorCode;
  readonly message: string;
  /** Present on `VALIDATION_ERROR` only. */
  readonly details?: readonly EudrErrorDetail[];
}

/** The code and status that answer one problem type. */
interface EudrErrorRow {
  readonly code: EudrErrorCode;
  readonly status: number;
}

/**
 * The EUDR code and status of each problem type. `unauthorized` is refined by
 * {@link eudrErrorBody}; `dpa-not-accepted` cannot arise (the EUDR API has no DPA gate) and is
 * named as N'entropy names a caller whose integration may not call it.
 */
export const EUDR_ERROR_OF_PROBLEM: Readonly<Record<ProblemTypeSuffix, EudrErrorRow>> = {
  'malformed-request': { code: 'BAD_REQUEST', status: 400 },
  unauthorized: { code: 'AUTHENTICATION_REQUIRED', status: 401 },
  forbidden: { code: 'INSUFFICIENT_SCOPES', status: 403 },
  'capability-required': { code: 'INSUFFICIENT_SCOPES', status: 403 },
  'dpa-not-accepted': { code: 'INTEGRATION_INACTIVE', status: 403 },
  'not-found': { code: 'NOT_FOUND', status: 404 },
  'method-not-allowed': { code: 'METHOD_NOT_ALLOWED', status: 405 },
  'version-mismatch': { code: 'CONFLICT', status: 409 },
  'resource-exists-different-body': { code: 'CONFLICT', status: 409 },
  'milestone-already-set': { code: 'CONFLICT', status: 409 },
  'invalid-state': { code: 'INVALID_STATE', status: 409 },
  'idempotency-key-in-flight': { code: 'IDEMPOTENCY_KEY_IN_FLIGHT', status: 409 },
  'payload-too-large': { code: 'PAYLOAD_TOO_LARGE', status: 413 },
  'unsupported-media-type': { code: 'UNSUPPORTED_MEDIA_TYPE', status: 415 },
  'validation-error': { code: 'VALIDATION_ERROR', status: 400 },
  'idempotency-key-reused': { code: 'IDEMPOTENCY_KEY_REUSED', status: 422 },
  'rate-limited': { code: 'RATE_LIMIT_EXCEEDED', status: 429 },
  'internal-error': { code: 'INTERNAL_ERROR', status: 500 },
  'service-unavailable': { code: 'SERVICE_UNAVAILABLE', status: 503 },
};

const INTERNAL_ERROR: EudrErrorRow = EUDR_ERROR_OF_PROBLEM['internal-error'];

/** The message of every 500: nothing of the error, which may hold anything. */
export const EUDR_INTERNAL_ERROR_MESSAGE =
  'An unexpected error occurred; quote the X-Request-Id response header when reporting it.';

const AUTHENTICATION_REQUIRED_MESSAGE =
  'Send an API token in the Authorization header: Bearer eudr_live_<token>.';
const INVALID_TOKEN_MESSAGE = 'The API token is not valid; send a valid Bearer token.';

/** A header of `headers` by name, any case. */
function headerOf(
  headers: Readonly<Record<string, string>> | undefined,
  name: string,
): string | undefined {
  if (headers === undefined) return undefined;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === lower) return value;
  }
  return undefined;
}

/**
 * The status and body that answer `input`: its type's code and status, the kernel's fixed detail
 * as `message` (fixed words of this API for 401, 422-turned-400 and 500), and `details` for a
 * validation error.
 *
 * @param input - the problem the kernel decided on.
 * @returns the HTTP status and the `{ error, message, details? }` body.
 * @example
 * ```ts
 * eudrErrorBody({ type: 'not-found', detail: 'No such resource in this organization.' });
 * // { status: 404, body: { error: 'NOT_FOUND', message: 'No such resource in this organization.' } }
 * ```
 */
export function eudrErrorBody(input: ProblemInput): { status: number; body: EudrErrorBody } {
  const row =
    typeof input?.type === 'string' && Object.hasOwn(EUDR_ERROR_OF_PROBLEM, input.type)
      ? EUDR_ERROR_OF_PROBLEM[input.type]
      : INTERNAL_ERROR;
  switch (row.code) {
    case 'AUTHENTICATION_REQUIRED': {
      const challenge = headerOf(input.headers, 'WWW-Authenticate') ?? '';
      return challenge.includes('error="invalid_token"')
        ? { status: 401, body: { error: 'INVALID_TOKEN', message: INVALID_TOKEN_MESSAGE } }
        : {
            status: 401,
            body: { error: 'AUTHENTICATION_REQUIRED', message: AUTHENTICATION_REQUIRED_MESSAGE },
          };
    }
    case 'VALIDATION_ERROR': {
      const details = (input.errors ?? []).map(
        (entry): EudrErrorDetail => ({
          field: String(entry.field),
          message: String(entry.message),
        }),
      );
      const count = details.length;
      const message =
        count === 0
          ? 'The request is not valid.'
          : `The request has ${count} invalid field${count === 1 ? '' : 's'}; see details.`;
      return { status: row.status, body: { error: row.code, message, details } };
    }
    case 'INTERNAL_ERROR':
      return {
        status: row.status,
        body: { error: row.code, message: EUDR_INTERNAL_ERROR_MESSAGE },
      };
    default:
      return {
        status: row.status,
        body: {
          error: row.code,
          message: typeof input.detail === 'string' ? input.detail : EUDR_INTERNAL_ERROR_MESSAGE,
        },
      };
  }
}

/**
 * The EUDR error `Response` for a problem: the kernel's `renderProblem` of the EUDR API. The
 * problem's extra headers are kept (any it cannot set are left out, never thrown over), and
 * `Content-Type: application/json` and `X-Request-Id` are set.
 *
 * @param input - the problem the kernel decided on.
 * @param context - the request; its `requestId` is sent as `X-Request-Id`.
 * @example
 * ```ts
 * renderEudrError({ type: 'rate-limited', detail: '100 requests per minute for webhook category exceeded.',
 *   headers: { 'Retry-After': '12' } }, { url: request.url, requestId: 'req_1' });
 * // 429 { "error": "RATE_LIMIT_EXCEEDED", "message": "100 requests per minute …" }, Retry-After: 12
 * ```
 */
export function renderEudrError(input: ProblemInput, context: ProblemContext): Response {
  const { status, body } = eudrErrorBody(input);
  const headers = new Headers();
  for (const [name, value] of Object.entries(input?.headers ?? {})) {
    try {
      headers.set(name, value);
    } catch {
      // not a valid header: left out rather than failing the error answer
    }
  }
  headers.set('Content-Type', 'application/json');
  try {
    headers.set(REQUEST_ID_HEADER, context.requestId);
  } catch {
    // the kernel's request ids are always sane; a hand-made context may not be
  }
  return new Response(JSON.stringify(body), { status, headers });
}
