import { WebhookVerificationError } from '../../errors.js';
import { describeValue } from '../../internal/describe-value.js';
import { hasPaddedSecret } from './assert-secrets.js';

/**
 * The `signature_mismatch` error, with the diagnostics a developer needs (payload type and length,
 * number of secrets, likely causes) and nothing secret: no key, digest, signature or body.
 */
export function signatureMismatch(
  headerName: string,
  payload: string | Uint8Array,
  secrets: readonly string[],
): WebhookVerificationError {
  const size = typeof payload === 'string' ? payload.length : payload.byteLength;
  let message =
    `No signature in the ${headerName} header matches the payload (${describeValue(payload)}) ` +
    `with the ${secrets.length === 1 ? 'secret' : `${secrets.length} secrets`} given. ` +
    'Pass the raw request body exactly as received (not parsed and re-serialised JSON, not ' +
    "re-encoded) and this endpoint's own signing secret.";
  if (size === 0) {
    message += ' The payload is empty: was the body already consumed by a JSON body parser?';
  }
  if (hasPaddedSecret(secrets)) {
    message +=
      ' A secret starts or ends with whitespace, often a stray newline from an environment file.';
  }
  return new WebhookVerificationError('signature_mismatch', message);
}
