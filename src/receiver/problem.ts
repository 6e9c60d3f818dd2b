/**
 * The receiver's answers: a small JSON acknowledgement on success, RFC 9457 problem+json on
 * failure. The `type` URI is stable per `code`; branch on `code` (or `type`), never on `detail`.
 */

import type { ValidationErrorCode, VerificationErrorCode } from '../core/errors.js';
import type { ReceiverResponse } from './receiver-request.js';

/**
 * Codes that only the receiver answers, besides the verification and validation codes (each code
 * has one home: `method_not_allowed`, `unsupported_media_type` and `payload_too_large` are
 * validation codes, `invalid_payload_type` a verification code). `dedupe_unavailable` and
 * `inbox_unavailable` come with status 503 and `Retry-After`: the store failed or did not answer
 * within `storeTimeoutMs`, no handler ran, and the sender's retry brings the event back
 * (docs/design.md §5.19).
 */
export type ReceiverProblemCode =
  | 'event_in_progress'
  | 'body_read_failed'
  | 'handler_failed'
  | 'dedupe_unavailable'
  | 'inbox_unavailable'
  | 'internal_error';

/**
 * Every `code` a receiver's problem response can carry: a verification code (401, or 500
 * `invalid_payload_type` for a parsed body), a validation code (400, 405, 413, 415) or a
 * {@link ReceiverProblemCode}. The three unions do not overlap (a type test keeps them apart).
 */
export type ProblemCode = VerificationErrorCode | ValidationErrorCode | ReceiverProblemCode;

/** Prefix of every problem `type` the receiver sends: `urn:novatrade24:webhooks:problem:<code>`. */
export const RECEIVER_PROBLEM_TYPE_PREFIX = 'urn:novatrade24:webhooks:problem:';

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** An RFC 9457 problem body, as the receiver sends it. */
export interface ReceiverProblem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** The stable code: a verification or validation code, or a {@link ReceiverProblemCode}. */
  readonly code: ProblemCode;
}

/**
 * Builds a problem+json response. `detail` must never contain a secret, a signature or the body:
 * callers pass library error messages (which are built never to) or fixed text.
 */
export function problemResponse(
  status: number,
  code: ProblemCode,
  detail: string,
  extraHeaders?: Readonly<Record<string, string>>,
): ReceiverResponse {
  const problem: ReceiverProblem = {
    type: `${RECEIVER_PROBLEM_TYPE_PREFIX}${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
  };
  return {
    status,
    headers: { 'content-type': 'application/problem+json', ...extraHeaders },
    body: JSON.stringify(problem),
  };
}

const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'application/json',
});

/** Acknowledgements, prebuilt: they never vary. */
export const ACK = Object.freeze({
  received: Object.freeze({ status: 200, headers: JSON_HEADERS, body: '{"received":true}' }),
  duplicate: Object.freeze({
    status: 200,
    headers: JSON_HEADERS,
    body: '{"received":true,"duplicate":true}',
  }),
  ignored: Object.freeze({
    status: 200,
    headers: JSON_HEADERS,
    body: '{"received":true,"ignored":true}',
  }),
  queued: Object.freeze({
    status: 202,
    headers: JSON_HEADERS,
    body: '{"received":true,"queued":true}',
  }),
} satisfies Record<string, ReceiverResponse>);
