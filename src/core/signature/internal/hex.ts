// Hex helpers for signatures. A SHA-256 digest is 32 bytes, 64 hex characters.

/** Hex characters in an HMAC-SHA256 signature. */
export const SIGNATURE_HEX_LENGTH = 64;

/** True when `text[start, end)` is exactly 64 hexadecimal characters, either case. */
export function isSignatureHex(text: string, start: number, end: number): boolean {
  if (end - start !== SIGNATURE_HEX_LENGTH) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    // 0-9, A-F, a-f
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/**
 * Constant-time equality of a computed digest and a received signature, both 64 hex characters.
 *
 * `expected` is lowercase (every {@link HmacSha256Hex} returns lowercase); `received` has been
 * checked with {@link isSignatureHex}, so OR-ing 0x20 lowercases its letters and leaves its digits
 * unchanged. The loop always runs over all 64 characters and has no branch on the data, so its
 * time does not depend on where the two differ. Lengths are public (fixed by the algorithm).
 */
export function signatureHexEquals(expected: string, received: string): boolean {
  if (expected.length !== SIGNATURE_HEX_LENGTH || received.length !== SIGNATURE_HEX_LENGTH) {
    return false;
  }
  let diff = 0;
  for (let i = 0; i < SIGNATURE_HEX_LENGTH; i++) {
    diff |= expected.charCodeAt(i) ^ (received.charCodeAt(i) | 0x20);
  }
  return diff === 0;
}

/** True when `hex` is 64 lowercase hex characters: the contract of every HMAC primitive. */
export function isLowercaseSignatureHex(hex: string): boolean {
  if (hex.length !== SIGNATURE_HEX_LENGTH) return false;
  for (let i = 0; i < SIGNATURE_HEX_LENGTH; i++) {
    const c = hex.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}
