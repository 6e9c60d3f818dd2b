import { type ValidationIssueCode, WebhookValidationError } from '../errors.js';

/** A `WebhookValidationError` with code `invalid_option` and one issue at `path`. */
export function invalidOption(
  path: string,
  message: string,
  code: ValidationIssueCode = 'invalid_value',
): WebhookValidationError {
  return new WebhookValidationError('invalid_option', message, {
    issues: [{ path, code, message }],
  });
}
