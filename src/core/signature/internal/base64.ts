// Standard base64 (RFC 4648 §4) for the Standard Webhooks scheme: its secrets and signatures are
// base64 with `+` and `/`, not the base64url that `createWebhookSecret` uses (docs/design.md §5.22).

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const PAD = 61; // '='

/** Value of each ASCII code in the alphabet, or -1. */
const VALUES = /* @__PURE__ */ (() => {
  const values = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) values[ALPHABET.charCodeAt(i)] = i;
  return values;
})();

/** Characters in the base64 of an HMAC-SHA256 digest (32 bytes): 43 and one `=`. */
export const BASE64_DIGEST_LENGTH = 44;

/** Standard, padded base64 of `bytes`. */
export function base64Encode(bytes: Uint8Array): string {
  const codes: number[] = [];
  const whole = bytes.length - (bytes.length % 3);
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i] as number;
    const b1 = i + 1 < bytes.length ? (bytes[i + 1] as number) : 0;
    const b2 = i + 2 < bytes.length ? (bytes[i + 2] as number) : 0;
    codes.push(
      ALPHABET.charCodeAt(b0 >> 2),
      ALPHABET.charCodeAt(((b0 & 3) << 4) | (b1 >> 4)),
      i + 1 < bytes.length ? ALPHABET.charCodeAt(((b1 & 15) << 2) | (b2 >> 6)) : PAD,
      i >= whole ? PAD : ALPHABET.charCodeAt(b2 & 63),
    );
  }
  return String.fromCharCode(...codes);
}

/** Why a text is not base64, for messages that must not quote it. */
export type Base64Problem = 'whitespace' | 'base64url' | 'alphabet' | 'padding' | 'length';

/**
 * The bytes of standard base64 `text`, or what is wrong with it. Padding is optional (as in the
 * reference `standardwebhooks` library); when present it has one or two `=` and makes the length
 * a multiple of 4. Bits past the last whole byte are ignored, as every common decoder does.
 */
export function base64Decode(text: string): Uint8Array | Base64Problem {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === PAD) end--;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || (VALUES[code] as number) < 0) return problemOf(text);
  }
  const padding = text.length - end;
  if (padding > 2 || (padding > 0 && text.length % 4 !== 0)) return 'padding';
  if (end % 4 === 1) return 'length';
  const out = new Uint8Array(Math.floor((end * 6) / 8));
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    buffer = ((buffer << 6) | (VALUES[text.charCodeAt(i)] as number)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  return out;
}

function problemOf(text: string): Base64Problem {
  if (/\s/.test(text)) return 'whitespace';
  if (/[-_]/.test(text)) return 'base64url';
  if (text.includes('=')) return 'padding';
  return 'alphabet';
}

/**
 * True when `text[start, end)` is the base64 of a 32-byte digest: 43 alphabet characters and `=`.
 * Either a signature is this, or it cannot be one that this library or another Standard Webhooks
 * implementation made.
 */
export function isBase64Digest(text: string, start: number, end: number): boolean {
  if (end - start !== BASE64_DIGEST_LENGTH || text.charCodeAt(end - 1) !== PAD) return false;
  for (let i = start; i < end - 1; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || (VALUES[code] as number) < 0) return false;
  }
  return true;
}

/**
 * Constant-time equality of a computed digest and a received signature, both the 44-character
 * base64 of a digest (the received one checked with {@link isBase64Digest}). The loop always runs
 * over every character with no branch on the data; lengths are public (fixed by SHA-256).
 */
export function base64DigestEquals(expected: string, received: string): boolean {
  if (expected.length !== BASE64_DIGEST_LENGTH || received.length !== BASE64_DIGEST_LENGTH) {
    return false;
  }
  let diff = 0;
  for (let i = 0; i < BASE64_DIGEST_LENGTH; i++) {
    diff |= expected.charCodeAt(i) ^ received.charCodeAt(i);
  }
  return diff === 0;
}
