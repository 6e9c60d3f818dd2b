// The checks and answers the framework adapters share. Runtime-neutral (the Fetch adapter ships
// to edge runtimes); never re-exported by an entry point.

import { describeValue } from '../../../core/internal/describe-value.js';
import { requiredIntegerOption } from '../../../core/internal/integer-option.js';
import { invalidOption } from '../../../core/internal/invalid-option.js';
import { problemResponse } from '../../problem.js';
import type { ReceiverResponse } from '../../receiver-request.js';
import type { WebhookHandlerTarget } from '../webhook-handler-target.js';

/**
 * Checks an adapter's `receiver` argument eagerly, so a wrong argument fails at start-up rather
 * than on the first webhook. Internal to the adapters.
 *
 * @param value - what the caller passed.
 * @param fnName - the adapter, for the message.
 * @param path - the option's name in the message and the issue path.
 * @throws WebhookValidationError `invalid_option` naming `path`.
 */
export function assertWebhookHandlerTarget(
  value: unknown,
  fnName: string,
  path = 'receiver',
): asserts value is WebhookHandlerTarget {
  const candidate = value as Partial<Record<keyof WebhookHandlerTarget, unknown>> | null;
  if (
    typeof value !== 'object' ||
    candidate === null ||
    typeof candidate.handle !== 'function' ||
    typeof candidate.tooLarge !== 'function'
  ) {
    throw invalidOption(
      path,
      `${fnName}: \`${path}\` must be a WebhookReceiver or an EudrWebhookReceiver (an object with ` +
        `handle, tooLarge and maxBodyBytes), got ${describeValue(value)}.`,
      value === undefined ? 'required' : 'invalid_type',
    );
  }
  requiredIntegerOption(fnName, `${path}.maxBodyBytes`, candidate.maxBodyBytes);
}

/**
 * The body length a request declares in `Content-Length`, in bytes, or `undefined` when the
 * header is absent or not a plain decimal (then the adapters count the bytes as they read).
 */
export function declaredContentLength(value: string | undefined | null): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = value.trim();
  return /^\d{1,15}$/.test(text) ? Number(text) : undefined;
}

/**
 * The 400 answer when the body stream failed before its end (the client aborted, or the declared
 * length did not match). Usually nobody reads it: the connection is gone.
 */
export function bodyReadFailed(): ReceiverResponse {
  return problemResponse(
    400,
    'body_read_failed',
    'The request body could not be read to its end (the connection was interrupted or the body ' +
      'did not match its Content-Length).',
  );
}

/** The 500 answer when an adapter itself failed unexpectedly (never a receiver's answer). */
export function adapterFailed(): ReceiverResponse {
  return problemResponse(500, 'internal_error', 'The webhook receiver failed unexpectedly.');
}
