import { assertSignatureList } from './internal/assert-signature-list.js';
import { assertTimestampSeconds } from './internal/assert-timestamp-seconds.js';
import { isSignatureHex } from './internal/hex.js';
import { scanNovatradeHeader } from './internal/scan-novatrade-header.js';

/** The parts of an `X-Novatrade-Signature` value (docs/design.md §6.5). */
export interface NovatradeSignatureHeader {
  /** `t`: when the signature was made, in Unix seconds (a positive integer of at most 12 digits). */
  readonly timestamp: number;
  /**
   * Every `v1` signature in header order: 64 hexadecimal characters each (lowercase when this
   * library signs; either case is accepted when parsing). At least 1, at most 16.
   */
  readonly signatures: readonly string[];
}

/**
 * Parses an `X-Novatrade-Signature` value such as `t=1729684200,v1=a96f…0d96` into its timestamp
 * and `v1` signatures. Entries may be separated by `,` with optional spaces; unknown schemes
 * (`v2=…`) are skipped. The verifiers use the same parser, so this shows exactly what they see.
 *
 * @param header - the header value; `null`/`undefined` (header absent) are accepted and rejected
 *   with `missing_header`.
 * @returns the timestamp (Unix seconds) and the `v1` signatures as they appear.
 * @throws WebhookVerificationError `missing_header` (absent, empty or blank), `malformed_header`
 *   (longer than 8 KiB, an entry without `=`, `t` missing, repeated, not 1–12 digits or with a
 *   leading zero, a `v1` that is not 64 hex characters, more than 16 `v1`), or
 *   `no_supported_signature` (no `v1` entry).
 * @example
 * ```ts
 * const { timestamp, signatures } = parseNovatradeSignatureHeader('t=1729684200,v1=' + 'ab'.repeat(32));
 * // timestamp === 1729684200, signatures.length === 1
 * ```
 */
export function parseNovatradeSignatureHeader(
  header: string | null | undefined,
): NovatradeSignatureHeader {
  const { timestamp, signatures } = scanNovatradeHeader(header);
  return { timestamp, signatures };
}

/**
 * Formats a timestamp and one or more `v1` signatures as an `X-Novatrade-Signature` value,
 * `t=<timestamp>,v1=<sig>[,v1=<sig>…]`: the inverse of {@link parseNovatradeSignatureHeader}.
 * Signatures are written as given (this library always produces lowercase).
 *
 * @param header - `timestamp` in Unix seconds (a positive integer of at most 12 digits) and 1 to
 *   16 signatures of 64 hexadecimal characters.
 * @returns the header value.
 * @throws WebhookValidationError `invalid_option` naming `timestamp` or `signatures`.
 * @example
 * ```ts
 * formatNovatradeSignatureHeader({ timestamp: 1729684200, signatures: ['ab'.repeat(32)] });
 * // 't=1729684200,v1=abab…ab'
 * ```
 */
export function formatNovatradeSignatureHeader(header: NovatradeSignatureHeader): string {
  assertTimestampSeconds(header.timestamp, 'timestamp');
  const { signatures } = header;
  assertSignatureList(signatures, isHex, '64 hexadecimal characters');
  let out = `t=${header.timestamp}`;
  for (const signature of signatures) out += `,v1=${signature}`;
  return out;
}

function isHex(text: string): boolean {
  return isSignatureHex(text, 0, text.length);
}
