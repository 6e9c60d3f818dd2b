// The steps every Novatrade24 verifier shares (sync and async): only the HMAC call differs.
import { NOVATRADE_SIGNATURE_HEADER } from '../constants.js';
import type { HmacMessage } from '../hmac-sha256-hex.js';
import { assertPayload } from './assert-payload.js';
import { assertSecrets } from './assert-secrets.js';
import { signatureHexEquals } from './hex.js';
import { scanNovatradeHeader } from './scan-novatrade-header.js';
import {
  assertWithinWindow,
  checkWindowOptions,
  readWindow,
  type TimestampWindowOptions,
} from './timestamp-window.js';

/** Everything checked before the first HMAC. */
export interface PreparedNovatradeVerification {
  /** `t`, Unix seconds. */
  readonly timestamp: number;
  /** The signed bytes: `"<t exactly as received>."` followed by the raw body. */
  readonly message: HmacMessage;
  /** The `v1` values of the header, 64 hex characters each. */
  readonly signatures: readonly string[];
  /** The validated secrets, in the caller's order. */
  readonly secrets: readonly string[];
}

/**
 * Runs every check that needs no HMAC, in the documented order: payload type, secrets, options,
 * header presence, header syntax, replay window.
 */
export function prepareNovatradeVerification(
  payload: unknown,
  header: unknown,
  secret: unknown,
  options: TimestampWindowOptions | undefined,
  defaultNow: () => number,
): PreparedNovatradeVerification {
  assertPayload(payload);
  const secrets = assertSecrets(secret);
  const windowOptions = checkWindowOptions(options, defaultNow);
  const scanned = scanNovatradeHeader(header);
  assertWithinWindow(scanned.timestamp, readWindow(windowOptions), NOVATRADE_SIGNATURE_HEADER);
  return {
    timestamp: scanned.timestamp,
    message: [`${scanned.timestampText}.`, payload],
    signatures: scanned.signatures,
    secrets,
  };
}

/**
 * True when `expected` equals any of `signatures`. Every entry is compared in full, in constant
 * time, whatever matched before it.
 */
export function matchesAnySignature(expected: string, signatures: readonly string[]): boolean {
  let matched = false;
  for (let i = 0; i < signatures.length; i++) {
    // The comparison is on the left of `||`, so it runs for every entry, even after a match.
    matched = signatureHexEquals(expected, signatures[i] as string) || matched;
  }
  return matched;
}
