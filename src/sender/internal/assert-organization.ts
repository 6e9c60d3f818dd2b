import { describeValue } from '../../core/internal/describe-value.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import { typeIssueCode } from '../../core/internal/type-issue-code.js';

/**
 * Checks the organization every sender call is scoped by.
 *
 * @throws WebhookValidationError `invalid_option` naming `organizationUuid`.
 */
export function assertOrganization(value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 128) {
    throw invalidOption(
      'organizationUuid',
      `\`organizationUuid\` must be a non-empty string, got ${describeValue(value)}.`,
      typeof value !== 'string'
        ? typeIssueCode(value)
        : value.length === 0
          ? 'too_small'
          : 'too_big',
    );
  }
}
