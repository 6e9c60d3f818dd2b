import { WebhookVerificationError } from '../../errors.js';
import { describeValue } from '../../internal/describe-value.js';
import {
  MAX_SIGNATURE_HEADER_LENGTH,
  MAX_SIGNATURES_PER_HEADER,
  MAX_TIMESTAMP_SECONDS,
  NOVATRADE_SIGNATURE_HEADER,
} from '../constants.js';
import { isSignatureHex } from './hex.js';

/** A scanned `X-Novatrade-Signature` value. */
export interface ScannedNovatradeHeader {
  /** `t`, Unix seconds. */
  readonly timestamp: number;
  /** `t` exactly as it appears in the header: the start of the signed string (docs/design.md §6.5). */
  readonly timestampText: string;
  /** Every `v1` value in header order, as received (64 hex characters, either case). */
  readonly signatures: readonly string[];
}

const MAX_TIMESTAMP_DIGITS = String(MAX_TIMESTAMP_SECONDS).length;
const SPACE = 32;
const TAB = 9;

/**
 * Parses `t=<unix seconds>,v1=<hex>[,v1=<hex>…]` in one pass without regexes or intermediate
 * arrays: this is the hot path of every verification.
 *
 * Grammar (decisions in docs/signature.md): entries are separated by `,`, each may be surrounded by
 * spaces or tabs, and is `key=value` split at the first `=`. `t` appears exactly once and is 1 to
 * 12 decimal digits without a sign or a leading zero. `v1` appears 1 to 16 times and is 64 hex
 * characters. Other keys (`v2`, future schemes) are skipped (docs/design.md §5.6). Messages give
 * positions and lengths, never the header's content.
 *
 * @throws WebhookVerificationError `missing_header`, `malformed_header`, `no_supported_signature`
 */
export function scanNovatradeHeader(header: unknown): ScannedNovatradeHeader {
  if (typeof header !== 'string') {
    if (header === undefined || header === null) throw missing();
    throw malformed(`Expected the header value as a string; got ${describeValue(header)}.`);
  }
  const length = header.length;
  if (length > MAX_SIGNATURE_HEADER_LENGTH) {
    throw malformed(
      `The header is ${length} characters long; at most ${MAX_SIGNATURE_HEADER_LENGTH} are accepted.`,
    );
  }
  let timestamp = 0;
  let timestampText: string | undefined;
  const signatures: string[] = [];
  let entry = 0;
  let pos = 0;
  while (pos <= length) {
    let end = header.indexOf(',', pos);
    if (end === -1) end = length;
    entry++;
    let start = pos;
    let stop = end;
    while (start < stop && isOws(header.charCodeAt(start))) start++;
    while (stop > start && isOws(header.charCodeAt(stop - 1))) stop--;
    if (start === stop) {
      // An all-blank header is an absent one; an empty entry elsewhere is a formatting error.
      if (entry === 1 && end === length) throw missing();
      throw malformed(`Entry ${entry} is empty (a stray or doubled comma).`);
    }
    const eq = header.indexOf('=', start);
    if (eq === -1 || eq >= stop) throw malformed(`Entry ${entry} has no "=".`);
    const keyLength = eq - start;
    const first = header.charCodeAt(start);
    if (keyLength === 0) throw malformed(`Entry ${entry} has an empty key.`);
    if (keyLength === 1 && first === 116 /* t */) {
      if (timestampText !== undefined) throw malformed('The timestamp "t" appears more than once.');
      timestamp = parseTimestamp(header, eq + 1, stop);
      timestampText = header.slice(eq + 1, stop);
    } else if (keyLength === 2 && first === 118 /* v */ && header.charCodeAt(start + 1) === 49) {
      if (!isSignatureHex(header, eq + 1, stop)) {
        throw malformed(
          `Entry ${entry} (v1) must be 64 hexadecimal characters; got ${stop - eq - 1} characters` +
            `${stop - eq - 1 === 64 ? ' that are not all hexadecimal' : ''}.`,
        );
      }
      if (signatures.length === MAX_SIGNATURES_PER_HEADER) {
        throw malformed(`More than ${MAX_SIGNATURES_PER_HEADER} v1 signatures in one header.`);
      }
      signatures.push(header.slice(eq + 1, stop));
    }
    // Any other key (v0, v2, future schemes) is skipped: "accept any known version" (docs/design.md §7, A-11).
    pos = end + 1;
  }
  if (timestampText === undefined) throw malformed('The timestamp "t" is missing.');
  if (signatures.length === 0) {
    throw new WebhookVerificationError(
      'no_supported_signature',
      `The ${NOVATRADE_SIGNATURE_HEADER} header has no v1 signature; this version verifies v1 ` +
        '(HMAC-SHA256) only. Upgrade @novatrade24/webhooks if the sender uses a newer scheme.',
    );
  }
  return { timestamp, timestampText, signatures };
}

function parseTimestamp(header: string, start: number, stop: number): number {
  const digits = stop - start;
  if (digits === 0) throw malformed('The timestamp "t" is empty.');
  let value = 0;
  for (let i = start; i < stop; i++) {
    const c = header.charCodeAt(i);
    if (c < 48 || c > 57) {
      throw malformed('The timestamp "t" must contain decimal digits only.');
    }
    value = value * 10 + (c - 48);
  }
  if (header.charCodeAt(start) === 48) {
    throw malformed('The timestamp "t" must be a positive number without leading zeros.');
  }
  if (digits > MAX_TIMESTAMP_DIGITS) {
    throw malformed(
      `The timestamp "t" has ${digits} digits; Unix seconds have at most ${MAX_TIMESTAMP_DIGITS}` +
        `${digits === 13 ? ' (13 digits looks like milliseconds)' : ''}.`,
    );
  }
  return value;
}

function isOws(c: number): boolean {
  return c === SPACE || c === TAB;
}

function missing(): WebhookVerificationError {
  return new WebhookVerificationError(
    'missing_header',
    `The ${NOVATRADE_SIGNATURE_HEADER} header is missing or empty. Pass the header's value ` +
      `(e.g. request.headers.get('${NOVATRADE_SIGNATURE_HEADER}')); if it is absent, the request ` +
      'was not sent by Novatrade24 or a proxy dropped it.',
  );
}

function malformed(detail: string): WebhookVerificationError {
  return new WebhookVerificationError(
    'malformed_header',
    `The ${NOVATRADE_SIGNATURE_HEADER} header is malformed: ${detail} Expected ` +
      '"t=<unix seconds>,v1=<64 hex characters>".',
  );
}
