// Ids go into request paths percent-encoded, and an id that would name another resource is refused
// before any request: an empty one (`DELETE /v1/webhooks/` is not a delete, `GET …/deliveries/` is
// the history list), and `.` or `..`, which URL parsing resolves as dot segments
// (`DELETE /v1/webhooks/.` is sent as `DELETE /v1/webhooks/`), and which `encodeURIComponent`
// leaves as they are. Any other id stays one segment once encoded (a `%` becomes `%25`, so no
// `%2e` can reach the URL parser). Anything else is the server's to judge: an id it cannot have
// is a 404.

import { WebhookValidationError } from '../../core/errors.js';

/** Where a path segment is checked: the parameter and the calling method, for the error. */
export interface PathSegmentContext {
  /** The parameter's name (`endpointId`). */
  readonly name: string;
  /** The calling method (`endpoints.get`). */
  readonly method: string;
}

/**
 * `value` percent-encoded as one path segment (`encodeURIComponent`).
 *
 * @param value - an id from the caller.
 * @param context - the parameter and the method, named in the error.
 * @throws WebhookValidationError `invalid_option` (issue at `name`) when `value` is not a
 *   non-empty string, or is `.` or `..`.
 * @example
 * ```ts
 * pathSegment('wh_1/x', { name: 'id', method: 'endpoints.get' }); // 'wh_1%2Fx'
 * pathSegment('..', { name: 'id', method: 'endpoints.delete' }); // throws invalid_option
 * ```
 */
export function pathSegment(value: unknown, context: PathSegmentContext): string {
  const { name, method } = context;
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
  if (value === '.' || value === '..') {
    const message =
      `${method}: ${name} must be an id such as wh_…, not "${value}" (a dot segment would ` +
      'name another resource).';
    throw new WebhookValidationError('invalid_option', message, {
      issues: [{ path: name, code: 'invalid_format', message: 'a dot segment is not an id' }],
    });
  }
  return encodeURIComponent(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
