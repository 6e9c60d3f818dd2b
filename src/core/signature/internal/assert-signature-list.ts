import { describeValue } from '../../internal/describe-value.js';
import { invalidOption } from '../../internal/invalid-option.js';
import { typeIssueCode } from '../../internal/type-issue-code.js';
import { MAX_SIGNATURES_PER_HEADER } from '../constants.js';

/**
 * Checks the `signatures` of a header to format: an array of 1 to 16 strings, each accepted by
 * `isSignature` (`kind` names what they must be, e.g. "64 hexadecimal characters").
 *
 * @throws WebhookValidationError `invalid_option` naming `signatures`.
 */
export function assertSignatureList(
  signatures: unknown,
  isSignature: (text: string) => boolean,
  kind: string,
): asserts signatures is readonly string[] {
  if (
    !Array.isArray(signatures) ||
    signatures.length === 0 ||
    signatures.length > MAX_SIGNATURES_PER_HEADER
  ) {
    throw invalidOption(
      'signatures',
      `signatures must be an array of 1 to ${MAX_SIGNATURES_PER_HEADER} signatures of ${kind}; got ${describeValue(signatures)}.`,
      Array.isArray(signatures)
        ? signatures.length === 0
          ? 'too_small'
          : 'too_big'
        : typeIssueCode(signatures),
    );
  }
  for (let i = 0; i < signatures.length; i++) {
    const signature: unknown = signatures[i];
    if (typeof signature !== 'string' || !isSignature(signature)) {
      throw invalidOption(
        'signatures',
        `signatures[${i}] must be ${kind}; got ${describeValue(signature)}.`,
        typeof signature === 'string' ? 'invalid_format' : typeIssueCode(signature),
      );
    }
  }
}
