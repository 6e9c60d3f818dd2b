import type { ValidationIssueCode } from '../errors.js';
import { assertOptionsObject } from '../internal/assert-options-object.js';
import { describeValue } from '../internal/describe-value.js';
import { invalidOption } from '../internal/invalid-option.js';
import { typeIssueCode } from '../internal/type-issue-code.js';
import type { HmacSha256Base64 } from './hmac-sha256-base64.js';
import { assertHmacFunction, checkedBase64Digest } from './internal/assert-hmac.js';
import { assertPayload } from './internal/assert-payload.js';
import { assertTimestampSeconds } from './internal/assert-timestamp-seconds.js';
import { MAX_STANDARD_ID_LENGTH } from './internal/scan-standard-headers.js';
import { decodeStandardSecrets } from './internal/standard-secret.js';

/** Options of {@link buildStandardWebhookSignature}. */
export interface BuildStandardWebhookSignatureOptions {
  /**
   * The `webhook-id`: the message id, stable across retries so that receivers dedupe on it (the
   * event id, `evt_…`). 1 to 256 visible ASCII characters without `.`, as the specification asks
   * of ids that are part of the signed content.
   */
  readonly id: string;
  /** The `webhook-timestamp`: the attempt's time in Unix seconds (a positive integer, 12 digits at most). */
  readonly timestampSeconds: number;
  /**
   * The endpoint's secret, `whsec_` + base64 (or bare base64), or up to 8 during a rotation: one
   * `v1,` entry each, in this order. The HMAC key is the base64-decoded part.
   */
  readonly secret: string | readonly string[];
  /** The byte-key HMAC-SHA256 primitive of the platform (e.g. `nodeHmacSha256Base64`). */
  readonly hmac: HmacSha256Base64;
}

/**
 * Signs a raw body with the Standard Webhooks scheme and an injected HMAC primitive, returning the
 * `webhook-signature` value `v1,<base64>[ v1,<base64>…]`, where each signature is
 * `base64(HMAC-SHA256(base64-decoded secret, "<id>.<timestampSeconds>.<raw body>"))`.
 * Runtime-neutral: `STANDARD_WEBHOOKS_PROFILE` calls it, and `signStandardWebhook` is this with
 * the Node primitive and the system clock (docs/design.md §5.22).
 *
 * @param payload - the exact body that will be sent: a string (hashed as UTF-8) or bytes.
 * @param options - `id`, `timestampSeconds` (Unix seconds), `secret` and `hmac`.
 * @returns the header value.
 * @throws WebhookVerificationError `invalid_payload_type` when `payload` is not a string or a
 *   Uint8Array.
 * @throws WebhookValidationError `invalid_secret` (empty, not base64, more than 8 secrets), or
 *   `invalid_option` naming `options`, `id`, `timestampSeconds` or `hmac`.
 * @example
 * ```ts
 * buildStandardWebhookSignature('{"test": 2432232314}', {
 *   id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
 *   timestampSeconds: 1614265330,
 *   secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
 *   hmac: nodeHmacSha256Base64,
 * }); // 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
 * ```
 */
export function buildStandardWebhookSignature(
  payload: string | Uint8Array,
  options: BuildStandardWebhookSignatureOptions,
): string {
  assertPayload(payload);
  assertOptionsObject(options);
  const { keys } = decodeStandardSecrets(options.secret);
  const { id, timestampSeconds, hmac } = options;
  assertSignableId(id);
  assertTimestampSeconds(timestampSeconds, 'timestampSeconds');
  assertHmacFunction(hmac);
  const message = [`${id}.${timestampSeconds}.`, payload];
  let header = '';
  for (let i = 0; i < keys.length; i++) {
    header += `${i === 0 ? '' : ' '}v1,${checkedBase64Digest(hmac(keys[i] as Uint8Array, message))}`;
  }
  return header;
}

/** Checks a message id to sign: 1 to 256 visible ASCII characters, no `.`. */
function assertSignableId(id: unknown): asserts id is string {
  let problem: string | undefined;
  let code: ValidationIssueCode = 'invalid_format';
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_STANDARD_ID_LENGTH) {
    problem = `id must be 1 to ${MAX_STANDARD_ID_LENGTH} characters; got ${describeValue(id)}.`;
    code = typeof id !== 'string' ? typeIssueCode(id) : id.length === 0 ? 'too_small' : 'too_big';
  } else {
    for (let i = 0; i < id.length && problem === undefined; i++) {
      const c = id.charCodeAt(i);
      if (c < 0x21 || c > 0x7e || c === 0x2e /* . */) {
        problem =
          `id must be visible ASCII without "." (character ${i + 1} is not): the id is part of ` +
          'the signed content "<id>.<timestamp>.<body>", and a "." in it would make that ambiguous.';
      }
    }
  }
  if (problem !== undefined) throw invalidOption('id', problem, code);
}
