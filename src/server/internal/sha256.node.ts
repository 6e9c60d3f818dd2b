// SHA-256 on `node:crypto`: synchronous, so a token check does not wait for WebCrypto's worker
// thread (the `/server` entry runs on Node; the authenticators stay runtime-neutral and take it
// as an argument).

import { createHash } from 'node:crypto';

/**
 * The SHA-256 of `text`'s UTF-8 bytes.
 *
 * @param text - the text to digest.
 * @returns the 32-byte digest.
 */
export function nodeSha256(text: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(text, 'utf8').digest());
}
