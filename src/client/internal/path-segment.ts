// Ids go into request paths percent-encoded, and an empty id is refused before any request: it
// would name another route (`DELETE /v1/webhooks/` is not a delete, `GET …/deliveries/` is the
// history list). Anything else is the server's to judge: an id it cannot have is a 404.

import { WebhookValidationError } from '../../core/errors.js';

/**
 * `value` percent-encoded as one path segment (`encodeURIComponent`).
 *
 * @param value - an id from the caller.
 * @param name - the parameter's name, for the error (`endpointId`).
 * @param method - the calling method, for the error (`endpoints.get`).
 * @throws WebhookValidationError `invalid_option` (issue at `name`) when `value` is not a
 *   non-empty string.
 */
export function pathSegment(value: unknown, name: string, method: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    const got = typeof value === 'string' ? 'an empty string' : describe(value);
    const message = `${method}: ${name} must be a non-empty string (an id such as wh_…), got ${got}.`;
    throw new WebhookValidationError('invalid_option', message, {
      issues: [
        {
          path: name,
          code: typeof value === 'string' ? 'too_small' : 'invalid_type',
          message: `expected a non-empty string, got ${got}`,
        },
      ],
    });
  }
  return encodeURIComponent(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
