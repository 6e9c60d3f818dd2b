import type { WebhookValidationError } from '../../errors.js';
import { describeValue } from '../../internal/describe-value.js';
import { invalidOption } from '../../internal/invalid-option.js';
import { typeIssueCode } from '../../internal/type-issue-code.js';
import { isBase64Digest } from './base64.js';
import { isLowercaseSignatureHex } from './hex.js';

/**
 * Checks that an injected HMAC primitive is a function.
 *
 * @throws WebhookValidationError `invalid_option` naming `hmac`.
 */
export function assertHmacFunction(hmac: unknown): void {
  if (typeof hmac !== 'function') {
    throw invalidOption(
      'hmac',
      `hmac must be an HMAC-SHA256 function; got ${describeValue(hmac)}.`,
      typeIssueCode(hmac),
    );
  }
}

/**
 * The digest an injected primitive returned, after checking it is 64 lowercase hex characters.
 *
 * @throws WebhookValidationError `invalid_option` naming `hmac`.
 */
export function checkedDigest(digest: unknown): string {
  if (typeof digest === 'string' && isLowercaseSignatureHex(digest)) return digest;
  throw badDigest(digest);
}

/** The error for a primitive that broke its contract (content never included: it is a MAC). */
export function badDigest(digest: unknown): WebhookValidationError {
  return invalidOption(
    'hmac',
    `The hmac function must return the digest as 64 lowercase hex characters; got ${describeValue(digest)}.`,
    'invalid_value',
  );
}

/**
 * The digest an injected base64 primitive returned, after checking it is the 44-character
 * standard base64 of 32 bytes.
 *
 * @throws WebhookValidationError `invalid_option` naming `hmac`.
 */
export function checkedBase64Digest(digest: unknown): string {
  if (typeof digest === 'string' && isBase64Digest(digest, 0, digest.length)) return digest;
  throw badBase64Digest(digest);
}

/** The error for a base64 primitive that broke its contract (content never included). */
export function badBase64Digest(digest: unknown): WebhookValidationError {
  return invalidOption(
    'hmac',
    `The hmac function must return the digest as 44 characters of standard, padded base64; got ${describeValue(digest)}.`,
    'invalid_value',
  );
}
