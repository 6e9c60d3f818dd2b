// The steps every EUDR verifier shares (sync and async): only the HMAC call differs.
import { WebhookVerificationError } from '../../errors.js';
import { describeValue } from '../../internal/describe-value.js';
import { EUDR_TIMESTAMP_HEADER } from '../constants.js';
import type { HmacMessage } from '../hmac-sha256-hex.js';
import { assertPayload } from './assert-payload.js';
import { assertSecrets } from './assert-secrets.js';
import { parseIsoTimestampMs } from './parse-iso-timestamp.js';
import { scanEudrHeader } from './scan-eudr-header.js';
import {
  assertWithinWindow,
  checkWindowOptions,
  readWindow,
  type TimestampWindowOptions,
} from './timestamp-window.js';

/** EUDR verify options as the shared code sees them. */
export interface EudrWindowOptions extends TimestampWindowOptions {
  readonly timestamp?: string | null | undefined;
}

/** Everything checked before the first HMAC. */
export interface PreparedEudrVerification {
  /** The checked `X-Webhook-Timestamp` in Unix seconds, or `null` when no check was requested. */
  readonly timestamp: number | null;
  /** The signed bytes: the raw body alone (inferred, docs/design.md §7, N-1). */
  readonly message: HmacMessage;
  /** The received signature, 64 hex characters. */
  readonly signature: string;
  /** The validated secrets, in the caller's order. */
  readonly secrets: readonly string[];
}

/**
 * Runs every check that needs no HMAC, in order: payload type, secrets, options, signature header
 * presence and syntax, then (when requested) the timestamp header's presence, syntax and window.
 *
 * The window is requested when `options` has a `timestamp` key (even `undefined` or `null`: the
 * caller passed the header's value and it was absent) or a `toleranceSeconds`. Requested and
 * missing or unreadable fails closed.
 */
export function prepareEudrVerification(
  payload: unknown,
  header: unknown,
  secret: unknown,
  options: EudrWindowOptions | undefined,
  defaultNow: () => number,
): PreparedEudrVerification {
  assertPayload(payload);
  const secrets = assertSecrets(secret);
  const windowOptions = checkWindowOptions(options, defaultNow);
  const signature = scanEudrHeader(header);
  const requested =
    options !== undefined && ('timestamp' in options || options.toleranceSeconds !== undefined);
  let timestamp: number | null = null;
  if (requested) {
    timestamp = readTimestampSeconds(options?.timestamp);
    assertWithinWindow(timestamp, readWindow(windowOptions), EUDR_TIMESTAMP_HEADER);
  }
  return { timestamp, message: [payload], signature, secrets };
}

function readTimestampSeconds(value: unknown): number {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    throw new WebhookVerificationError(
      'missing_header',
      `The ${EUDR_TIMESTAMP_HEADER} header is missing or empty, but a replay window was ` +
        'requested (options.timestamp or options.toleranceSeconds), so verification fails closed.',
    );
  }
  if (typeof value !== 'string') {
    throw malformedTimestamp(`expected a string; got ${describeValue(value)}`);
  }
  const ms = parseIsoTimestampMs(value.trim());
  if (ms === null) {
    throw malformedTimestamp(
      `expected an ISO-8601 instant with an offset, such as 2024-01-15T10:30:00.000Z; got ${describeValue(value)}`,
    );
  }
  return Math.floor(ms / 1000);
}

function malformedTimestamp(detail: string): WebhookVerificationError {
  return new WebhookVerificationError(
    'malformed_header',
    `The ${EUDR_TIMESTAMP_HEADER} header is malformed: ${detail}.`,
  );
}
