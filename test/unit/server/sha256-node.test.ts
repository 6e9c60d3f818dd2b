// The `/server` entry's synchronous SHA-256 equals WebCrypto's for any text, so API keys digest
// the same whichever the authenticator is given.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeSha256 } from '../../../src/server/internal/sha256.node.js';

async function webCrypto(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

describe('nodeSha256', () => {
  it('the empty string -> the known SHA-256 vector', () => {
    expect(Buffer.from(nodeSha256('')).toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('any text (unicode included) -> the same 32 bytes as WebCrypto', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 300 }), async (text) => {
        expect(nodeSha256(text)).toStrictEqual(await webCrypto(text));
      }),
      { numRuns: 200 },
    );
  });
});
