// Byte helpers shared by the signer, the verifiers and the id generators. Runtime-neutral:
// TextEncoder and Uint8Array exist on Node, browsers, Workers, Deno and Bun.

const encoder = new TextEncoder();

/** UTF-8 bytes of `text` (lone surrogates become U+FFFD, as every HTTP stack does). */
export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

const HEX = '0123456789abcdef';
const HEX_PAIRS: string[] = Array.from(
  { length: 256 },
  (_, i) => HEX.charAt(i >> 4) + HEX.charAt(i & 15),
);

/** Lowercase hex of `bytes`. */
export function hexEncode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX_PAIRS[bytes[i] as number];
  return out;
}

function hexNibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  return -1;
}

/** Bytes of a hex string (either case), or `null` if it is not even-length hex. */
export function hexDecode(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexNibble(hex.charCodeAt(2 * i));
    const lo = hexNibble(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return null;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/**
 * Constant-time equality of two byte arrays. Lengths are public (a digest's length is fixed by the
 * algorithm), so unequal lengths return false at once; equal lengths are compared in full.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** One array holding `parts` in order. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Unpadded base64url of `bytes` (RFC 4648 §5). */
export function base64UrlEncode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n =
      ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out +=
      B64URL.charAt(n >> 18) +
      B64URL.charAt((n >> 12) & 63) +
      B64URL.charAt((n >> 6) & 63) +
      B64URL.charAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += B64URL.charAt(n >> 18) + B64URL.charAt((n >> 12) & 63);
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += B64URL.charAt(n >> 18) + B64URL.charAt((n >> 12) & 63) + B64URL.charAt((n >> 6) & 63);
  }
  return out;
}

const BASE32 = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford's alphabet, lowercase

const BASE32_CODES = Array.from(BASE32, (char) => char.charCodeAt(0));

/**
 * Lowercase Crockford base32 of `bytes`, unpadded (5 bits a character), after an optional ASCII
 * `prefix`. Built from character codes in one `String.fromCharCode` call, so the result is one
 * flat string: `+=` in a loop would leave V8 a rope of one piece per character (ids are stored
 * by the million, and a rope costs several times the flat string's memory).
 */
export function base32Encode(bytes: Uint8Array, prefix = ''): string {
  const codes: number[] = [];
  for (let i = 0; i < prefix.length; i++) codes.push(prefix.charCodeAt(i));
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < bytes.length; i++) {
    buffer = ((buffer << 8) | (bytes[i] as number)) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      codes.push(BASE32_CODES[(buffer >> (bits - 5)) & 31] as number);
      bits -= 5;
    }
  }
  if (bits > 0) codes.push(BASE32_CODES[(buffer << (5 - bits)) & 31] as number);
  return String.fromCharCode(...codes);
}
