import { type ValidationIssueCode, WebhookValidationError } from '../errors.js';

/** A `WebhookValidationError` with code `invalid_option` and one issue at `path`, coded `code`. */
export function invalidOption(
  path: string,
  message: string,
  code: ValidationIssueCode,
): WebhookValidationError {
  return new WebhookValidationError('invalid_option', message, {
    issues: [{ path, code, message }],
  });
}
