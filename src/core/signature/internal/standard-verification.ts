// The steps every Standard Webhooks verifier shares (sync and async): only the HMAC call differs.
import { describeValue } from '../../internal/describe-value.js';
import { invalidOption } from '../../internal/invalid-option.js';
import { typeIssueCode } from '../../internal/type-issue-code.js';
import { STANDARD_WEBHOOKS_HEADERS } from '../constants.js';
import type { HmacMessage } from '../hmac-sha256-hex.js';
import { assertPayload } from './assert-payload.js';
import { base64DigestEquals } from './base64.js';
import {
  scanStandardId,
  scanStandardSignatureHeader,
  scanStandardTimestamp,
} from './scan-standard-headers.js';
import { decodeStandardSecrets } from './standard-secret.js';
import {
  assertWithinWindow,
  checkWindowOptions,
  readWindow,
  type TimestampWindowOptions,
} from './timestamp-window.js';

/** The three header values a Standard Webhooks verification reads. */
export interface StandardHeaderValues {
  readonly id?: string | null | undefined;
  readonly timestamp?: string | null | undefined;
  readonly signature?: string | null | undefined;
}

/** Everything checked before the first HMAC. */
export interface PreparedStandardVerification {
  /** `webhook-id`, as received. */
  readonly id: string;
  /** `webhook-timestamp`, Unix seconds. */
  readonly timestamp: number;
  /** The signed bytes: `"<id>.<timestamp>."` followed by the raw body. */
  readonly message: HmacMessage;
  /** The `v1` signatures of the header, 44 base64 characters each. */
  readonly signatures: readonly string[];
  /** The validated secrets, in the caller's order. */
  readonly secrets: readonly string[];
  /** Their HMAC keys (the base64-decoded secrets), in the same order. */
  readonly keys: readonly Uint8Array[];
}

/**
 * Runs every check that needs no HMAC, in the documented order: payload type, secrets, options,
 * the `webhook-id`, `webhook-timestamp` and `webhook-signature` headers, replay window.
 */
export function prepareStandardVerification(
  payload: unknown,
  headers: unknown,
  secret: unknown,
  options: TimestampWindowOptions | undefined,
  defaultNow: () => number,
): PreparedStandardVerification {
  assertPayload(payload);
  const { secrets, keys } = decodeStandardSecrets(secret);
  const windowOptions = checkWindowOptions(options, defaultNow);
  if (typeof headers !== 'object' || headers === null) {
    throw invalidOption(
      'headers',
      'headers must be the request headers (a Headers object or a record such as ' +
        "Node's req.headers; { id, timestamp, signature } for a verifier built with " +
        `createStandardWebhookVerifier); got ${describeValue(headers)}.`,
      typeIssueCode(headers),
    );
  }
  const values = headers as StandardHeaderValues;
  const id = scanStandardId(values.id);
  const timestamp = scanStandardTimestamp(values.timestamp);
  const signatures = scanStandardSignatureHeader(values.signature);
  assertWithinWindow(timestamp, readWindow(windowOptions), STANDARD_WEBHOOKS_HEADERS.timestamp);
  return { id, timestamp, message: [`${id}.${timestamp}.`, payload], signatures, secrets, keys };
}

/**
 * True when `expected` equals any of `signatures`. Every entry is compared in full, in constant
 * time, whatever matched before it.
 */
export function matchesAnyBase64Signature(
  expected: string,
  signatures: readonly string[],
): boolean {
  let matched = false;
  for (let i = 0; i < signatures.length; i++) {
    // The comparison is on the left of `||`, so it runs for every entry, even after a match.
    matched = base64DigestEquals(expected, signatures[i] as string) || matched;
  }
  return matched;
}
