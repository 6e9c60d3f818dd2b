// Values the routes put into a query or a body on the caller's behalf: a `Date` becomes the RFC
// 3339 string the API reads, and the per-call options become the fields of an `HttpCall`.

import { WebhookValidationError } from '../../core/errors.js';
import type { RequestOptions, WriteRequestOptions } from '../request-options.js';
import type { HttpCall } from './http-call.js';

/** Where a timestamp comes from: the field and the calling method, for the error. */
export interface InstantContext {
  /** The field (`since`). */
  readonly name: string;
  /** The calling method (`deliveries.recover`). */
  readonly method: string;
}

/**
 * `value` as the API's timestamp: a `Date` as its ISO string, a string as it is (the server
 * checks its format), `undefined` as absent.
 *
 * @throws WebhookValidationError `invalid_option` for an invalid `Date`.
 * @example
 * ```ts
 * instant(new Date(0), { name: 'since', method: 'deliveries.list' }); // '1970-01-01T00:00:00.000Z'
 * ```
 */
export function instant(
  value: string | Date | undefined,
  context: InstantContext,
): string | undefined {
  const { name, method } = context;
  if (!(value instanceof Date)) return value;
  if (Number.isNaN(value.getTime())) {
    const message = `${method}: ${name} is an invalid Date; pass a valid Date or an RFC 3339 string.`;
    throw new WebhookValidationError('invalid_option', message, {
      issues: [{ path: name, code: 'invalid_value', message: 'expected a valid Date' }],
    });
  }
  return value.toISOString();
}

/** The `HttpCall` fields of a read's options (an Idempotency-Key is never sent on a read). */
export function readFields(
  options: RequestOptions | undefined,
): Pick<HttpCall, 'signal' | 'requestId'> {
  return { signal: options?.signal, requestId: options?.requestId };
}

/** The `HttpCall` fields of a write's options. */
export function writeFields(
  options: WriteRequestOptions | undefined,
): Pick<HttpCall, 'signal' | 'requestId' | 'idempotencyKey'> {
  return {
    signal: options?.signal,
    requestId: options?.requestId,
    idempotencyKey: options?.idempotencyKey,
  };
}
