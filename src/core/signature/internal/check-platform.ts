import { describeValue } from '../../internal/describe-value.js';
import { invalidOption } from '../../internal/invalid-option.js';
import { typeIssueCode } from '../../internal/type-issue-code.js';
import type { VerifierPlatform } from '../verifier-platform.js';
import { assertHmacFunction } from './assert-hmac.js';

/**
 * Checks a verifier's platform once, at construction, and returns it.
 *
 * @throws WebhookValidationError `invalid_option` naming `platform`, `hmac` or `now`.
 */
export function checkPlatform<H>(platform: VerifierPlatform<H>): VerifierPlatform<H> {
  if (typeof platform !== 'object' || platform === null) {
    throw invalidOption(
      'platform',
      `Expected { hmac, now }; got ${describeValue(platform)}.`,
      typeIssueCode(platform),
    );
  }
  assertHmacFunction(platform.hmac);
  if (typeof platform.now !== 'function') {
    throw invalidOption(
      'now',
      `now must be a function returning epoch milliseconds; got ${describeValue(platform.now)}.`,
      typeIssueCode(platform.now),
    );
  }
  return platform;
}
