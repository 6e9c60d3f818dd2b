import { type ValidationIssueCode, WebhookValidationError } from '../errors.js';
import { type IntegerRange, integerOption } from './integer-option.js';

/**
 * The issue code {@link integerOption} gives `value` within `range` (`invalid_type`, `too_small`,
 * `too_big`), or `undefined` when it accepts it (`undefined` included): the one integer rule, for
 * a caller that words its own message (a query that lists every problem, a Unix timestamp with a
 * hint about milliseconds).
 */
export function integerProblem(
  value: unknown,
  range?: IntegerRange,
): ValidationIssueCode | undefined {
  try {
    integerOption('', '', value, range);
    return undefined;
  } catch (error) {
    const code = error instanceof WebhookValidationError ? error.issues[0]?.code : undefined;
    if (code === undefined) throw error;
    return code;
  }
}
