import { type ValidationIssueCode, WebhookValidationError } from '../../errors.js';
import { describeValue } from '../../internal/describe-value.js';
import { typeIssueCode } from '../../internal/type-issue-code.js';
import { MAX_SECRETS } from '../constants.js';

/**
 * The secrets as a list, after checking that there is at least one, at most {@link MAX_SECRETS},
 * and that each is a non-empty string. Messages name the position and the type, never the value.
 *
 * @throws WebhookValidationError `invalid_secret`
 */
export function assertSecrets(secret: unknown): readonly string[] {
  if (typeof secret === 'string') {
    if (secret.length === 0) throw invalidSecret('The secret is an empty string.', 'too_small');
    return [secret];
  }
  if (!Array.isArray(secret)) {
    throw invalidSecret(
      `Expected the secret as a non-empty string or an array of them; got ${describeValue(secret)}.`,
      typeIssueCode(secret),
    );
  }
  if (secret.length === 0) throw invalidSecret('The list of secrets is empty.', 'too_small');
  if (secret.length > MAX_SECRETS) {
    throw invalidSecret(
      `Got ${secret.length} secrets; at most ${MAX_SECRETS} are accepted, because each one costs ` +
        'an HMAC per verification. Select the endpoint secret first (by URL or tenant).',
      'too_big',
    );
  }
  for (let i = 0; i < secret.length; i++) {
    const item: unknown = secret[i];
    if (typeof item !== 'string') {
      throw invalidSecret(
        `secret[${i}] must be a non-empty string; got ${describeValue(item)}.`,
        typeIssueCode(item),
      );
    }
    if (item.length === 0) throw invalidSecret(`secret[${i}] is an empty string.`, 'too_small');
  }
  return secret as readonly string[];
}

/**
 * The secret, after checking it is one non-empty string (for schemes with a single signature).
 *
 * @throws WebhookValidationError `invalid_secret`
 */
export function assertSingleSecret(secret: unknown): string {
  if (typeof secret !== 'string') {
    throw invalidSecret(
      `Expected one secret as a non-empty string; got ${describeValue(secret)}. ` +
        'This header carries a single signature, so it is signed with one secret.',
      typeIssueCode(secret),
    );
  }
  if (secret.length === 0) throw invalidSecret('The secret is an empty string.', 'too_small');
  return secret;
}

/** True when some secret starts or ends with whitespace, a frequent copy-paste or .env slip. */
export function hasPaddedSecret(secrets: readonly string[]): boolean {
  for (const s of secrets) {
    if (s.trim().length !== s.length) return true;
  }
  return false;
}

/** A `WebhookValidationError` `invalid_secret` with one issue on `secret`, of issue code `code`. */
export function invalidSecret(message: string, code: ValidationIssueCode): WebhookValidationError {
  return new WebhookValidationError('invalid_secret', message, {
    issues: [{ path: 'secret', code, message }],
  });
}
