/**
 * The problem that answers an error thrown while serving a management request.
 *
 * - Classified by `code` through `isWebhooksError` (docs/design.md §5.26), in a table typed over
 *   the whole code union, so an error of another loaded copy of this package is answered alike
 *   and a new code does not compile until it is placed here.
 * - Validation codes are bad input only when the caller says so: with `{ input: true }` (the
 *   error came from parsing the request) they are 422 `validation-error` with one `errors[]`
 *   entry per issue, except `invalid_json` (400 `malformed-request`) and the HTTP refusals (405,
 *   413, 415). Without it, every validation code, `invalid_option` included, is a 500
 *   `internal-error` with the generic detail and no `errors[]`: a validation error raised by the
 *   server's own configuration (a limiter's bad `now()`, a bad base URL, a bad
 *   `retryAfterSeconds`) is the operator's bug, and its issues name internal option paths.
 * - An `errors[]` entry is the issue's path as `field` and, as `message`, fixed text chosen by
 *   the issue's `code` (e.g. `events[0] is not an accepted value.`), never the issue's own
 *   message: some quote the value the client sent (a subscription pattern), which may be a
 *   secret. No `rejectedValue` either.
 * - Conflict codes: `not_found` 404, `invalid_state` 409 `invalid-state`,
 *   `idempotency_key_reused` 422, `idempotency_key_in_flight` 409 (docs/design.md §5.10).
 * - A storage outage (`storage_unavailable`, `lease_lapsed`) is neither bad input nor a bug: 503
 *   `service-unavailable` with `Retry-After`, so clients retry later, as the receiver does for
 *   its stores (docs/design.md §5.19). So is an identity provider whose key set cannot be loaded
 *   (`authentication_unavailable`), with a detail that says so. Corrupt data or a schema
 *   mismatch is the operator's to fix: 500.
 * - Verification codes do not arise in the management API (it checks bearer tokens, not
 *   signatures): one that escapes is a bug, 500. So is anything else thrown.
 *
 * Every `detail` is fixed text per problem: never the error's message, which may name ids or
 * values from the request (docs/design.md §5.20), and for a 500 may hold anything at all.
 */

import {
  isWebhooksError,
  type ValidationErrorCode,
  type ValidationIssueCode,
  type WebhooksErrorCode,
} from '../../core/errors.js';
import {
  assertRetryAfterSeconds,
  type ProblemFieldInput,
  type ProblemInput,
  type ProblemTypeSuffix,
} from './problem.js';

// Validation: the request's fault when it came from parsing the request, else the server's.
const PROBLEM_OF_VALIDATION_CODE: Readonly<Record<ValidationErrorCode, ProblemTypeSuffix>> = {
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
  // a test helper's missing peer: never the request's fault
  optional_dependency_missing: 'internal-error',
};

const PROBLEM_OF_OTHER_CODE: Readonly<
  Record<Exclude<WebhooksErrorCode, ValidationErrorCode>, ProblemTypeSuffix>
> = {
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
  authentication_unavailable: 'service-unavailable',
  // verification: signatures are not checked here, so one of these is a bug
  missing_header: 'internal-error',
  malformed_header: 'internal-error',
  no_supported_signature: 'internal-error',
  timestamp_too_old: 'internal-error',
  timestamp_too_new: 'internal-error',
  signature_mismatch: 'internal-error',
  invalid_payload_type: 'internal-error',
  // client: the API client's own failures never reach a server's answer, so one here is a bug
  api_error: 'internal-error',
  api_unreachable: 'internal-error',
  token_request_failed: 'internal-error',
  unexpected_response: 'internal-error',
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

/** A detail by code, where the type's own detail would misname what is unavailable. */
const DETAILS_OF_CODE: Readonly<Partial<Record<WebhooksErrorCode, string>>> = {
  authentication_unavailable:
    'Authentication is temporarily unavailable; retry after the Retry-After delay.',
};

/** The detail of every 500: nothing of the error, which may hold anything. */
export const INTERNAL_ERROR_DETAIL =
  'An unexpected error occurred; quote the traceId when reporting it.';

/** Seconds a client is asked to wait after a 503, unless `retryAfterSeconds` is given. */
export const DEFAULT_RETRY_AFTER_SECONDS = 10;

/**
 * The `message` of an `errors[]` entry, by issue code, after the field's path. Typed over the
 * whole union, so a new issue code does not compile until it has its text here.
 */
export const ISSUE_MESSAGES: Readonly<Record<ValidationIssueCode, string>> = {
  required: 'is required.',
  invalid_type: 'has the wrong type.',
  invalid_format: 'does not have the required format.',
  invalid_value: 'is not an accepted value.',
  too_small: 'is too small or too short.',
  too_big: 'is too big or too long.',
  unrecognized_key: 'is not a recognized field.',
};

/** The text of an issue code this version does not know (an error of a newer copy). */
const UNKNOWN_ISSUE_MESSAGE = 'is not valid.';

/** Options of {@link problemFromError}. */
export interface ProblemFromErrorOptions {
  /**
   * `true` when `error` came from parsing or validating the request (its body, query, headers):
   * only then is a validation code answered as bad input (422, 400, 405, 413, 415). Otherwise it
   * is a 500, as a misconfigured server is not the client's fault. @default false
   */
  readonly input?: boolean;
  /**
   * `Retry-After` of a 503, in seconds (1 to 86400); check it once with `assertRetryAfterSeconds`
   * when the server is created. @default DEFAULT_RETRY_AFTER_SECONDS
   */
  readonly retryAfterSeconds?: number;
}

/**
 * The problem that answers `error`; pass it to `managementProblemResponse` with the request's
 * context.
 *
 * Validation codes (`invalid_option`, `invalid_endpoint`, `invalid_json`, …) are answered as the
 * client's fault (422 with `errors[]`, or 400/405/413/415) only with `{ input: true }`, which the
 * caller passes for an error thrown while parsing the request; without it they are a 500
 * `internal-error` with {@link INTERNAL_ERROR_DETAIL} and no `errors[]`, so a server
 * misconfiguration neither blames the client nor lists internal option paths.
 *
 * @param error - anything thrown while serving the request.
 * @param options - whether the error came from the request's input, and the `Retry-After` of a
 *   storage outage.
 * @throws WebhookValidationError `invalid_option` at `retryAfterSeconds` when it is given and is
 *   not an integer from 1 to 86400.
 * @example
 * ```ts
 * let body;
 * try {
 *   body = parseCreateEndpoint(await request.json());
 * } catch (err) {
 *   return managementProblemResponse(problemFromError(err, { input: true }), context);
 * }
 * // …later, anything else thrown: a validation code here is the server's bug, a 500
 * return managementProblemResponse(problemFromError(err), context);
 * ```
 */
export function problemFromError(error: unknown, options?: ProblemFromErrorOptions): ProblemInput {
  const given = options?.retryAfterSeconds;
  if (given !== undefined) assertRetryAfterSeconds(given, 'problemFromError');
  const retryAfterSeconds = given ?? DEFAULT_RETRY_AFTER_SECONDS;
  const type = problemTypeOf(error, options?.input === true);
  if (type === 'validation-error') {
    const errors = issuesOf(error);
    return { type, detail: validationDetail(errors.length), errors };
  }
  if (type === 'service-unavailable') {
    return {
      type,
      detail: detailOfCode(error) ?? DETAILS[type] ?? INTERNAL_ERROR_DETAIL,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    };
  }
  return { type, detail: DETAILS[type] ?? INTERNAL_ERROR_DETAIL };
}

function problemTypeOf(error: unknown, input: boolean): ProblemTypeSuffix {
  if (!isWebhooksError(error)) return 'internal-error';
  const code: string = error.code;
  if (Object.hasOwn(PROBLEM_OF_VALIDATION_CODE, code)) {
    return input ? PROBLEM_OF_VALIDATION_CODE[code as ValidationErrorCode] : 'internal-error';
  }
  if (Object.hasOwn(PROBLEM_OF_OTHER_CODE, code)) {
    return PROBLEM_OF_OTHER_CODE[code as Exclude<WebhooksErrorCode, ValidationErrorCode>];
  }
  return 'internal-error';
}

function detailOfCode(error: unknown): string | undefined {
  const code: unknown = (error as { code?: unknown }).code;
  return typeof code === 'string' && Object.hasOwn(DETAILS_OF_CODE, code)
    ? DETAILS_OF_CODE[code as WebhooksErrorCode]
    : undefined;
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
    const { path, code } = issue as { path?: unknown; code?: unknown };
    if (typeof path === 'string') out.push({ field: path, message: issueMessage(path, code) });
  }
  return out;
}

/**
 * The `errors[].message` of an issue: its path, then fixed text by issue code; never the issue's
 * own message, which may quote input.
 *
 * @param path - the field's path (empty for the whole body).
 * @param code - the issue's code; an unknown one gets generic text.
 */
export function issueMessage(path: string, code: unknown): string {
  const text =
    typeof code === 'string' && Object.hasOwn(ISSUE_MESSAGES, code)
      ? ISSUE_MESSAGES[code as ValidationIssueCode]
      : UNKNOWN_ISSUE_MESSAGE;
  return `${path === '' ? 'The request body' : path} ${text}`;
}
