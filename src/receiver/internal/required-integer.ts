import { type IntegerRange, integerOption } from '../../core/internal/integer-option.js';
import { invalidOption } from '../../core/internal/invalid-option.js';

/**
 * {@link integerOption} for an argument that must be given (a method's `limit`, a target's
 * `maxBodyBytes`): `undefined` is refused with the issue code `required` instead of passed
 * through; every other value is checked by `integerOption`, with its wording and codes.
 *
 * @throws WebhookValidationError `invalid_option` with one issue at `name`: `required`,
 *   `invalid_type`, `too_small` or `too_big`.
 */
export function requiredInteger(
  owner: string,
  name: string,
  value: unknown,
  range?: IntegerRange,
): number {
  const checked = integerOption(owner, name, value, range);
  if (checked !== undefined) return checked;
  throw invalidOption(
    name,
    `${owner}: \`${name}\` is required (an integer), got undefined.`,
    'required',
  );
}
