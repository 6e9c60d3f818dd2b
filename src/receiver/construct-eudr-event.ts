/**
 * What `constructEudrEvent` (node:crypto) and `constructEudrEventAsync` (WebCrypto) share.
 * The EUDR scheme, `X-Webhook-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>`, is inferred,
 * not documented (docs/design.md §6.11, docs/design.md §7, N-1); see docs/signature.md.
 */

import type { AnyEudrWebhookEvent } from '../core/catalog/eudr-webhook-event.js';
import { parseEudrEventJson } from '../core/catalog/parse-eudr-event.js';
import { EUDR_SIGNATURE_HEADER, EUDR_TIMESTAMP_HEADER } from '../core/signature/constants.js';
import type { EudrVerifyOptions } from '../core/signature/create-eudr-verifier.js';
import { type HeadersInput, readHeader } from './headers.js';
import { assertConstructOptions, assertHeaders } from './internal/check-headers.js';
import { assertRawBody } from './internal/raw-body.js';

/** Options of `constructEudrEvent` and `constructEudrEventAsync`. */
export interface ConstructEudrEventOptions {
  /**
   * Turns on a window on `X-Webhook-Timestamp`: the largest allowed distance from now, in
   * seconds, both directions. Off by default because the header carries the *event's* time, is
   * not signed under the inferred scheme (docs/design.md §7, N-2), and a queued event may be delivered late; dedupe
   * on the body hash is what stops replays (docs/design.md §5.16).
   * @default undefined (no window)
   */
  readonly toleranceSeconds?: number | undefined;
  /**
   * The current time in epoch **milliseconds** (used only with `toleranceSeconds`).
   * @default Date.now
   */
  readonly now?: (() => number) | undefined;
  /**
   * Reject unknown event types (`unknown_event_type`) and unknown enum values.
   * @default false
   */
  readonly strict?: boolean | undefined;
}

/** {@link ConstructEudrEventOptions} with `strict: true`. */
export type StrictConstructEudrEventOptions = ConstructEudrEventOptions & {
  readonly strict: true;
};

/** The signature header and verifier options, after the checks that precede verification. */
export interface PreparedEudrConstruct {
  readonly header: string | undefined;
  readonly verifyOptions: EudrVerifyOptions;
}

/**
 * Checks the raw body and headers and reads the signature (and, with a window, timestamp) header.
 *
 * @throws WebhookVerificationError `invalid_payload_type`.
 * @throws WebhookValidationError `invalid_option` naming `headers`.
 */
export function prepareEudrConstruct(
  rawBody: unknown,
  headers: unknown,
  options: ConstructEudrEventOptions | undefined,
  fnName: string,
): PreparedEudrConstruct {
  assertRawBody(rawBody, fnName);
  assertHeaders(headers, fnName);
  // Every option is checked before the signature, so a wrong option never hides behind (or
  // masquerades as) a verification failure.
  assertConstructOptions(options, fnName);
  const input = headers as HeadersInput;
  const verifyOptions: {
    timestamp?: string | null;
    toleranceSeconds?: number;
    now?: () => number;
  } = {};
  if (options?.toleranceSeconds !== undefined) {
    verifyOptions.timestamp = readHeader(input, EUDR_TIMESTAMP_HEADER) ?? null;
    verifyOptions.toleranceSeconds = options.toleranceSeconds;
  }
  if (options?.now !== undefined) verifyOptions.now = options.now;
  return { header: readHeader(input, EUDR_SIGNATURE_HEADER), verifyOptions };
}

/**
 * Parses and validates a verified EUDR body.
 *
 * @throws WebhookValidationError `invalid_json`, `invalid_event`, `unknown_event_type`.
 */
export function finishEudrConstruct(
  rawBody: string | Uint8Array,
  options: ConstructEudrEventOptions | undefined,
): AnyEudrWebhookEvent {
  const strict = options?.strict;
  return parseEudrEventJson(rawBody, strict === undefined ? undefined : { strict });
}
