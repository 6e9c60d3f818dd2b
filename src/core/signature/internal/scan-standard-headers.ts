// The three Standard Webhooks headers, scanned without regular expressions. Messages name the
// header and give positions and lengths, never its content (docs/design.md §5.22).
import { WebhookVerificationError } from '../../errors.js';
import { describeValue } from '../../internal/describe-value.js';
import {
  MAX_SIGNATURE_HEADER_LENGTH,
  MAX_SIGNATURES_PER_HEADER,
  MAX_TIMESTAMP_SECONDS,
  STANDARD_WEBHOOKS_HEADERS,
} from '../constants.js';
import { BASE64_DIGEST_LENGTH, isBase64Digest } from './base64.js';
import { isSignatureHex } from './hex.js';

/** Longest `webhook-id` accepted, in characters (the ids this library makes have 30). */
export const MAX_STANDARD_ID_LENGTH = 256;

const MAX_TIMESTAMP_DIGITS = String(MAX_TIMESTAMP_SECONDS).length;
const SPACE = 32;
const TAB = 9;

const { id: ID, timestamp: TIMESTAMP, signature: SIGNATURE } = STANDARD_WEBHOOKS_HEADERS;

/**
 * The `webhook-id` value: 1 to 256 visible ASCII characters (`!` to `~`). It is signed as given,
 * so nothing is trimmed; anything else could not be signed identically by every implementation
 * (Node reads header bytes as Latin-1, the signers encode UTF-8).
 *
 * @throws WebhookVerificationError `missing_header` or `malformed_header`.
 */
export function scanStandardId(value: unknown): string {
  const text = presentValue(value, ID);
  if (text.length > MAX_STANDARD_ID_LENGTH) {
    throw malformed(
      ID,
      `It has ${text.length} characters; at most ${MAX_STANDARD_ID_LENGTH} are accepted.`,
    );
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) {
      throw malformed(
        ID,
        `Character ${i + 1} is not visible ASCII; a message id is signed as sent, so it must be ` +
          'printable ASCII without spaces.',
      );
    }
  }
  return text;
}

/**
 * The `webhook-timestamp` value: Unix seconds, 1 to 12 digits without a sign or a leading zero,
 * optionally surrounded by spaces or tabs. Canonical, so `String(t)` is exactly what was signed.
 *
 * @throws WebhookVerificationError `missing_header` or `malformed_header`.
 */
export function scanStandardTimestamp(value: unknown): number {
  const text = presentValue(value, TIMESTAMP);
  let start = 0;
  let stop = text.length;
  while (start < stop && isOws(text.charCodeAt(start))) start++;
  while (stop > start && isOws(text.charCodeAt(stop - 1))) stop--;
  let seconds = 0;
  for (let i = start; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) {
      throw malformed(TIMESTAMP, 'It must contain decimal digits only (Unix seconds).');
    }
    seconds = seconds * 10 + (c - 48);
  }
  const digits = stop - start;
  if (text.charCodeAt(start) === 48) {
    throw malformed(TIMESTAMP, 'It must be a positive number without leading zeros.');
  }
  if (digits > MAX_TIMESTAMP_DIGITS) {
    throw malformed(
      TIMESTAMP,
      `It has ${digits} digits; Unix seconds have at most ${MAX_TIMESTAMP_DIGITS}` +
        `${digits === 13 ? ' (13 digits looks like milliseconds)' : ''}.`,
    );
  }
  return seconds;
}

/**
 * Every `v1` signature of a `webhook-signature` value, in header order: entries separated by
 * spaces (tabs and repeated spaces tolerated), each `<version>,<signature>` split at the first
 * comma. `v1` values must be the 44-character base64 of an HMAC-SHA256 digest; other versions
 * (`v1a`, future schemes) are skipped. At most 16 `v1` entries and 8 KiB.
 *
 * @throws WebhookVerificationError `missing_header`, `malformed_header` or
 *   `no_supported_signature`.
 */
export function scanStandardSignatureHeader(value: unknown): string[] {
  const header = presentValue(value, SIGNATURE);
  const length = header.length;
  if (length > MAX_SIGNATURE_HEADER_LENGTH) {
    throw malformedSignature(
      `It is ${length} characters long; at most ${MAX_SIGNATURE_HEADER_LENGTH} are accepted.`,
    );
  }
  const signatures: string[] = [];
  let entry = 0;
  let pos = 0;
  for (;;) {
    while (pos < length && isOws(header.charCodeAt(pos))) pos++;
    if (pos === length) break;
    let end = pos;
    while (end < length && !isOws(header.charCodeAt(end))) end++;
    entry++;
    const comma = header.indexOf(',', pos);
    if (comma === -1 || comma >= end) {
      throw malformedSignature(`Entry ${entry} has no ",".`);
    }
    if (comma === pos) throw malformedSignature(`Entry ${entry} has an empty version.`);
    if (
      comma - pos === 2 &&
      header.charCodeAt(pos) === 118 /* v */ &&
      header.charCodeAt(pos + 1) === 49 /* 1 */
    ) {
      if (!isBase64Digest(header, comma + 1, end)) {
        const size = end - comma - 1;
        throw malformedSignature(
          `Entry ${entry} (v1) must be ${BASE64_DIGEST_LENGTH} characters of base64; got ${size} ` +
            `characters${isSignatureHex(header, comma + 1, end) ? ' of hex, which is not this scheme' : ''}.`,
        );
      }
      if (signatures.length === MAX_SIGNATURES_PER_HEADER) {
        throw malformedSignature(
          `More than ${MAX_SIGNATURES_PER_HEADER} v1 signatures in one header.`,
        );
      }
      signatures.push(header.slice(comma + 1, end));
    }
    // Any other version (v1a asymmetric, future schemes) is skipped: "accept any known version".
    pos = end;
  }
  if (entry === 0) throw missing(SIGNATURE);
  if (signatures.length === 0) {
    throw new WebhookVerificationError(
      'no_supported_signature',
      `The ${SIGNATURE} header has no v1 signature; this version verifies v1 (HMAC-SHA256) only, ` +
        `not v1a (ed25519) or newer schemes.${
          header.trimStart().startsWith('t=')
            ? ' It looks like an X-Novatrade-Signature value: use verifyNovatradeSignature.'
            : ''
        }`,
    );
  }
  return signatures;
}

/** The value as a non-blank string. */
function presentValue(value: unknown, name: string): string {
  if (typeof value !== 'string') {
    if (value === undefined || value === null) throw missing(name);
    throw malformed(name, `Expected the header value as a string; got ${describeValue(value)}.`);
  }
  for (let i = 0; i < value.length; i++) {
    if (!isOws(value.charCodeAt(i))) return value;
  }
  throw missing(name);
}

function isOws(c: number): boolean {
  return c === SPACE || c === TAB;
}

function missing(name: string): WebhookVerificationError {
  return new WebhookVerificationError(
    'missing_header',
    `The ${name} header is missing or empty. Pass the request's headers (e.g. request.headers or ` +
      "Node's req.headers); if it is absent, the request is not a Standard Webhooks delivery or a " +
      'proxy dropped the header.',
  );
}

function malformed(name: string, detail: string): WebhookVerificationError {
  return new WebhookVerificationError(
    'malformed_header',
    `The ${name} header is malformed: ${detail}`,
  );
}

function malformedSignature(detail: string): WebhookVerificationError {
  return malformed(SIGNATURE, `${detail} Expected space-separated "v1,<base64>" entries.`);
}
