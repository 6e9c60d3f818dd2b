import { describeValue } from './describe-value.js';
import { invalidOption } from './invalid-option.js';

/**
 * Checks that `options` is a (non-array) object.
 *
 * @throws WebhookValidationError `invalid_option` naming `options`.
 */
export function assertOptionsObject(options: unknown): asserts options is object {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidOption(
      'options',
      `options must be an object; got ${describeValue(options)}.`,
      'invalid_type',
    );
  }
}
