import { WebhookVerificationError } from '../../errors.js';
import { describeValue } from '../../internal/describe-value.js';
import { EUDR_SIGNATURE_HEADER, MAX_SIGNATURE_HEADER_LENGTH } from '../constants.js';
import { isSignatureHex, SIGNATURE_HEX_LENGTH } from './hex.js';

const PREFIX = 'sha256=';

/**
 * The 64 hex characters of an `X-Webhook-Signature` value, which is `sha256=<hex>` or bare
 * `<hex>`, either case, optionally surrounded by spaces or tabs (inferred scheme, docs/design.md §7, N-1).
 *
 * @throws WebhookVerificationError `missing_header`, `malformed_header` or
 *   `no_supported_signature` (an `<algorithm>=` prefix other than `sha256=`).
 */
export function scanEudrHeader(header: unknown): string {
  if (typeof header !== 'string') {
    if (header === undefined || header === null) throw missing();
    throw malformed(`Expected the header value as a string; got ${describeValue(header)}.`);
  }
  if (header.length > MAX_SIGNATURE_HEADER_LENGTH) {
    throw malformed(
      `The header is ${header.length} characters long; at most ${MAX_SIGNATURE_HEADER_LENGTH} are accepted.`,
    );
  }
  const value = header.trim();
  if (value.length === 0) throw missing();
  if (value.includes(',')) {
    throw malformed(
      `Expected one signature; got a comma-separated list${
        value.startsWith('t=')
          ? ' that looks like an X-Novatrade-Signature value (use verifyNovatradeSignature)'
          : ''
      }.`,
    );
  }
  let start = 0;
  if (value.length > PREFIX.length && value.slice(0, PREFIX.length).toLowerCase() === PREFIX) {
    start = PREFIX.length;
  } else {
    const eq = value.indexOf('=');
    if (eq > 0 && eq < value.length - 1 && isAlgorithmName(value, eq)) {
      throw new WebhookVerificationError(
        'no_supported_signature',
        `The ${EUDR_SIGNATURE_HEADER} header uses an algorithm prefix other than "sha256="; ` +
          'this verifier supports HMAC-SHA256 only (the EUDR scheme is inferred).',
      );
    }
  }
  if (!isSignatureHex(value, start, value.length)) {
    const length = value.length - start;
    const base64Hint =
      length === 44 && value.endsWith('=')
        ? ' It looks like base64, which differs from the inferred scheme: confirm ' +
          "the encoding with N'entropy."
        : '';
    throw malformed(
      `Expected "sha256=<64 hex characters>" or 64 hex characters; got ${length} characters` +
        `${length === SIGNATURE_HEX_LENGTH ? ' that are not all hexadecimal' : ''}.${base64Hint}`,
    );
  }
  return value.slice(start);
}

/** True when `text[0, end)` looks like an algorithm name such as `sha1` or `sha-512`. */
function isAlgorithmName(text: string, end: number): boolean {
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i) | 0x20; // fold ASCII letters to lowercase
    const letter = c >= 97 && c <= 122;
    const digitOrDash = i > 0 && ((c >= 48 && c <= 57) || c === 45) /* - */;
    if (!letter && !digitOrDash) return false;
  }
  return true;
}

function missing(): WebhookVerificationError {
  return new WebhookVerificationError(
    'missing_header',
    `The ${EUDR_SIGNATURE_HEADER} header is missing or empty. Pass the header's value ` +
      `(e.g. request.headers.get('${EUDR_SIGNATURE_HEADER}')).`,
  );
}

function malformed(detail: string): WebhookVerificationError {
  return new WebhookVerificationError(
    'malformed_header',
    `The ${EUDR_SIGNATURE_HEADER} header is malformed: ${detail}`,
  );
}
