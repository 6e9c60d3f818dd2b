// The labels of an attempt, as pure functions: `outcome` (what happened) and `status_class` (the
// response's class), both from small closed sets, so the attempt counter has a bounded number of
// series whatever the receivers answer.

import { DELIVERY_FAILURE_REASONS } from '../../../core/catalog/enum-values.js';
import type { AttemptView } from '../../delivery-view.js';

/** The `outcome` label: `success`, a failure reason in lower case, or `other`. */
export type AttemptOutcome =
  | 'success'
  | Lowercase<(typeof DELIVERY_FAILURE_REASONS)[number]>
  | 'other';

/** The `status_class` label. */
export type StatusClass = '2xx' | '3xx' | '4xx' | '5xx' | 'none' | 'other';

const OUTCOMES: ReadonlyMap<string, AttemptOutcome> = new Map(
  DELIVERY_FAILURE_REASONS.map((reason) => [reason, reason.toLowerCase() as AttemptOutcome]),
);

/**
 * The `outcome` label of an attempt: `success` when it has no failure reason (the sender's verdict
 * on a 2xx answer), else its failure reason in lower case (`http_error`, `timeout`,
 * `network_error`, `blocked_destination`, `invalid_response`, `internal_error`, …). A reason this
 * version does not know (the reasons are an open enum; a newer process may have stored it) is
 * `other`, so the label's values stay a closed set.
 *
 * @param attempt - the attempt, as the `delivery.attempted` hook carries it.
 * @returns the label value.
 * @example
 * ```ts
 * attemptOutcome({ failureReason: 'TIMEOUT' }); // 'timeout'
 * ```
 */
export function attemptOutcome(attempt: Pick<AttemptView, 'failureReason'>): AttemptOutcome {
  const reason: string | null = attempt.failureReason;
  if (reason === null) return 'success';
  return OUTCOMES.get(reason) ?? 'other';
}

/**
 * The `status_class` label of a response status: `2xx`, `3xx`, `4xx` or `5xx`; `none` when no
 * response arrived (`null`: a timeout, a network error, a refused destination); `other` for any
 * other value (a 1xx, or a number outside 100-599 that a custom transport reported).
 *
 * @param httpStatus - the attempt's `httpStatus`.
 * @returns the label value.
 * @example
 * ```ts
 * statusClass(503); // '5xx'
 * statusClass(null); // 'none'
 * ```
 */
export function statusClass(httpStatus: number | null): StatusClass {
  if (httpStatus === null) return 'none';
  if (!Number.isInteger(httpStatus)) return 'other';
  if (httpStatus >= 200 && httpStatus <= 299) return '2xx';
  if (httpStatus >= 300 && httpStatus <= 399) return '3xx';
  if (httpStatus >= 400 && httpStatus <= 499) return '4xx';
  if (httpStatus >= 500 && httpStatus <= 599) return '5xx';
  return 'other';
}
