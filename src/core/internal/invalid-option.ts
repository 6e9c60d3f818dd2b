import { WebhookValidationError } from '../errors.js';

/** A `WebhookValidationError` with code `invalid_option` and one issue at `path`. */
export function invalidOption(path: string, message: string): WebhookValidationError {
  return new WebhookValidationError('invalid_option', message, { issues: [{ path, message }] });
}
