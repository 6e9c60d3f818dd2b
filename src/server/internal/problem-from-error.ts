/**
 * The problem that answers an error thrown while serving a management request.
 *
 * - Classified by `code` through `isWebhooksError` (docs/design.md §5.26), in a table typed over
 *   the whole code union, so an error of another loaded copy of this package is answered alike
 *   and a new code does not compile until it is placed here.
 * - Validation codes are bad input: 422 `validation-error` with one `errors[]` entry per issue
 *   (`field` = the issue's path, `message` = its message, never a `rejectedValue`), except
 *   `invalid_json` (400 `malformed-request`) and the HTTP refusals (405, 413, 415). Bad input
 *   never gets a 500.
 * - Conflict codes: `not_found` 404, `invalid_state` 409 `invalid-state`,
 *   `idempotency_key_reused` 422, `idempotency_key_in_flight` 409 (docs/design.md §5.10).
 * - A storage outage (`storage_unavailable`, `lease_lapsed`) is neither bad input nor a bug: 503
 *   `service-unavailable` with `Retry-After`, so clients retry later, as the receiver does for
 *   its stores (docs/design.md §5.19). Corrupt data or a schema mismatch is the operator's to
 *   fix: 500.
 * - Verification codes do not arise in the management API (it checks bearer tokens, not
 *   signatures): one that escapes is a bug, 500. So is anything else thrown.
 *
 * Every `detail` is fixed text per problem: never the error's message, which may name ids or
 * values from the request (docs/design.md §5.20), and for a 500 may hold anything at all.
 */

import { isWebhooksError, type WebhooksErrorCode } from '../../core/errors.js';
import { integerOptionOr } from '../../core/internal/integer-option.js';
import type { ProblemFieldInput, ProblemInput, ProblemTypeSuffix } from './problem.js';

const PROBLEM_OF_CODE: Readonly<Record<WebhooksErrorCode, ProblemTypeSuffix>> = {
  // validation: the request's fault
  invalid_option: 'validation-error',
  invalid_secret: 'validation-error',
  invalid_subscription_pattern: 'validation-error',
  invalid_event: 'validation-error',
  unknown_event_type: 'validation-error',
  unsupported_schema_version: 'validation-error',
  invalid_endpoint: 'validation-error',
  invalid_event_input: 'validation-error',
  invalid_json: 'malformed-request',
  method_not_allowed: 'method-not-allowed',
  unsupported_media_type: 'unsupported-media-type',
  payload_too_large: 'payload-too-large',
  // conflict
  not_found: 'not-found',
  invalid_state: 'invalid-state',
  idempotency_key_reused: 'idempotency-key-reused',
  idempotency_key_in_flight: 'idempotency-key-in-flight',
  // storage
  storage_unavailable: 'service-unavailable',
  lease_lapsed: 'service-unavailable',
  storage_corrupt: 'internal-error',
  schema_too_new: 'internal-error',
  schema_mismatch: 'internal-error',
  // verification: signatures are not checked here, so one of these is a bug
  missing_header: 'internal-error',
  malformed_header: 'internal-error',
  no_supported_signature: 'internal-error',
  timestamp_too_old: 'internal-error',
  timestamp_too_new: 'internal-error',
  signature_mismatch: 'internal-error',
  invalid_payload_type: 'internal-error',
};

const DETAILS: Readonly<Partial<Record<ProblemTypeSuffix, string>>> = {
  'malformed-request': 'The request body is not valid JSON.',
  'method-not-allowed': 'This route does not accept the request method.',
  'unsupported-media-type': 'Send the request body as application/json.',
  'payload-too-large': 'The request body is larger than this route accepts.',
  'not-found': 'No such resource in this organization.',
  'invalid-state': "The resource's current state does not allow this operation.",
  'idempotency-key-reused':
    'This Idempotency-Key was used with a different request body; use a new key for a new request.',
  'idempotency-key-in-flight':
    'A request with this Idempotency-Key is still being processed; retry shortly.',
  'service-unavailable': 'Storage is temporarily unavailable; retry after the Retry-After delay.',
};

/** The detail of every 500: nothing of the error, which may hold anything. */
export const INTERNAL_ERROR_DETAIL =
  'An unexpected error occurred; quote the traceId when reporting it.';

/** Seconds a client is asked to wait after a 503, unless `retryAfterSeconds` is given. */
export const DEFAULT_RETRY_AFTER_SECONDS = 10;

/** Options of {@link problemFromError}. */
export interface ProblemFromErrorOptions {
  /** `Retry-After` of a 503, in seconds (1 to 86400). @default DEFAULT_RETRY_AFTER_SECONDS */
  readonly retryAfterSeconds?: number;
}

/**
 * The problem that answers `error`; pass it to `problemResponse` with the request's context.
 *
 * @param error - anything thrown while serving the request.
 * @param options - the `Retry-After` of a storage outage.
 * @throws WebhookValidationError `invalid_option` at `retryAfterSeconds` when it is not an
 *   integer from 1 to 86400.
 * @example
 * ```ts
 * app.onError((err, c) =>
 *   problemResponse(problemFromError(err), { url: c.req.url, requestId: c.get('requestId') }),
 * );
 * ```
 */
export function problemFromError(error: unknown, options?: ProblemFromErrorOptions): ProblemInput {
  const retryAfterSeconds = integerOptionOr(
    'problemFromError',
    'retryAfterSeconds',
    options?.retryAfterSeconds,
    DEFAULT_RETRY_AFTER_SECONDS,
    { min: 1, max: 86_400 },
  );
  const type =
    isWebhooksError(error) && Object.hasOwn(PROBLEM_OF_CODE, error.code)
      ? PROBLEM_OF_CODE[error.code]
      : 'internal-error';
  if (type === 'validation-error') {
    const errors = issuesOf(error);
    return { type, detail: validationDetail(errors.length), errors };
  }
  if (type === 'service-unavailable') {
    return {
      type,
      detail: DETAILS[type] ?? INTERNAL_ERROR_DETAIL,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    };
  }
  return { type, detail: DETAILS[type] ?? INTERNAL_ERROR_DETAIL };
}

function validationDetail(count: number): string {
  if (count === 0) return 'The request is not valid.';
  return `The request has ${count} invalid field${count === 1 ? '' : 's'}; see errors.`;
}

// Read defensively: the error may come from another copy (or version) of this package.
function issuesOf(error: unknown): ProblemFieldInput[] {
  const issues = (error as { issues?: unknown }).issues;
  if (!Array.isArray(issues)) return [];
  const out: ProblemFieldInput[] = [];
  for (const issue of issues as unknown[]) {
    if (typeof issue !== 'object' || issue === null) continue;
    const { path, message } = issue as { path?: unknown; message?: unknown };
    if (typeof path === 'string' && typeof message === 'string') {
      out.push({ field: path, message });
    }
  }
  return out;
}
