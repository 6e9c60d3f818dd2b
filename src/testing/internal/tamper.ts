// How `signedRequestArbitrary` spoils a signed request: one byte of the body, one character of
// the signature, or a signature made with another secret. Each change keeps the request well
// formed (the body stays text, the header keeps its syntax, the secret its format), so a receiver
// gets as far as comparing signatures and fails with `signature_mismatch`, nothing earlier.

import type { SignedRequestProfile } from '../create-signed-request.node.js';

const HEX = '0123456789abcdef';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * `body` with one ASCII character changed to another (its code XOR 1), chosen by `at` among the
 * ASCII positions: exactly one UTF-8 byte differs. A JSON body always has ASCII (its braces).
 */
export function tamperBody(body: string, at: number): string {
  const positions: number[] = [];
  for (let i = 0; i < body.length; i++) if (body.charCodeAt(i) < 0x80) positions.push(i);
  const index = positions[at % positions.length] as number;
  return (
    body.slice(0, index) + String.fromCharCode(body.charCodeAt(index) ^ 1) + body.slice(index + 1)
  );
}

/**
 * The signature header with one digit of its (first) signature changed, chosen by `at`:
 * Novatrade24 `t=…,v1=<64 hex>` and EUDR `sha256=<64 hex>` get another hex digit; Standard
 * Webhooks `v1,<44 base64>` another base64 character among the first 42, each of which carries
 * six bits of the digest (the 43rd holds padding bits a decoder may ignore).
 */
export function tamperSignature(header: string, profile: SignedRequestProfile, at: number): string {
  if (profile === 'standard-webhooks') {
    const start = header.indexOf('v1,') + 3;
    return replaceFrom(header, start + (at % 42), BASE64);
  }
  const marker = profile === 'eudr' ? 'sha256=' : ',v1=';
  const start = header.indexOf(marker) + marker.length;
  return replaceFrom(header, start + (at % 64), HEX);
}

/**
 * `text` with the character at `index` replaced by the next one of `alphabet`, cyclically (by
 * the alphabet's first character when it is not in the alphabet): always a different character.
 */
function replaceFrom(text: string, index: number, alphabet: string): string {
  const next = alphabet.charAt((alphabet.indexOf(text.charAt(index)) + 1) % alphabet.length);
  return text.slice(0, index) + next + text.slice(index + 1);
}

/**
 * A secret that differs from `secret` and keeps its profile's format: Standard Webhooks changes
 * the first base64 character after `whsec_` (a different key of the same length); the others,
 * whose key is any string, change the last character.
 */
export function otherSecret(secret: string, profile: SignedRequestProfile): string {
  if (profile === 'standard-webhooks') {
    const start = secret.startsWith('whsec_') ? 6 : 0;
    return replaceFrom(secret, start, BASE64);
  }
  return secret.slice(0, -1) + (secret.endsWith('x') ? 'y' : 'x');
}
