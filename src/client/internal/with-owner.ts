// A public factory's options handed to the HTTP core with the factory's name, which the core's
// option errors then name (`createWebhooksClient: \`baseUrl\` …`).

import { describeValue } from '../../core/internal/describe-value.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import type { HttpCoreOptions } from './http-core.js';

/**
 * `options` plus `owner`.
 *
 * @param options - the factory's options as the caller passed them.
 * @param owner - the factory's name.
 * @throws WebhookValidationError `invalid_option` at `options` when they are not an object.
 */
export function withOwner(options: unknown, owner: string): HttpCoreOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidOption(
      'options',
      `${owner}: options must be an object with baseUrl and auth; got ${describeValue(options)}.`,
      'invalid_type',
    );
  }
  return { ...(options as HttpCoreOptions), owner };
}
