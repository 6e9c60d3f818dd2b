import { WebhookVerificationError } from '../../errors.js';
import { describeValue } from '../../internal/describe-value.js';

/**
 * Checks that `payload` is the raw body (`string` or `Uint8Array`, Node `Buffer` included) and
 * not a parsed object, which cannot be verified because its exact bytes are gone.
 *
 * @throws WebhookVerificationError `invalid_payload_type`
 */
export function assertPayload(payload: unknown): asserts payload is string | Uint8Array {
  if (typeof payload === 'string' || payload instanceof Uint8Array) return;
  const hint =
    payload instanceof ArrayBuffer
      ? 'Wrap it first: new Uint8Array(arrayBuffer).'
      : 'Pass the raw request body exactly as received (e.g. express.raw(), ' +
        'await request.text() or await request.arrayBuffer() wrapped in a Uint8Array), ' +
        'not parsed JSON: re-serialising changes the bytes and the signature cannot match.';
  throw new WebhookVerificationError(
    'invalid_payload_type',
    `Expected the payload as a string or a Uint8Array; got ${describeValue(payload)}. ${hint}`,
  );
}
