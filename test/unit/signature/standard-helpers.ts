// Shared pieces of the Standard Webhooks tests: the known-answer vectors and arbitraries.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';

export interface StandardVector {
  readonly name: string;
  readonly source: string;
  readonly secret: string;
  readonly id: string;
  readonly timestamp: number;
  readonly body: string;
  readonly bodyBytes: number;
  readonly command: string;
  /** The `webhook-signature` value: `v1,<base64>`. */
  readonly signature: string;
}

export const standardVectors = (
  JSON.parse(
    readFileSync(new URL('../../fixtures/standard-webhooks-vectors.json', import.meta.url), 'utf8'),
  ) as { readonly standardWebhooks: readonly StandardVector[] }
).standardWebhooks;

/** The vector of the reference libraries' own `sign` test. */
export const SPEC_VECTOR = standardVectors[0] as StandardVector;

/** The three headers of a vector, under their lowercase names. */
export function vectorHeaders(vector: StandardVector): Record<string, string> {
  return {
    'webhook-id': vector.id,
    'webhook-timestamp': String(vector.timestamp),
    'webhook-signature': vector.signature,
  };
}

/** Key bytes of the sizes the specification allows: 24 to 64. */
export const keyBytesArb = fc.uint8Array({ minLength: 24, maxLength: 64 });

/** A Standard Webhooks secret for `key`: `whsec_` + padded base64, bare, or unpadded. */
export const secretArb = fc
  .tuple(keyBytesArb, fc.constantFrom('prefixed', 'bare', 'unpadded'))
  .map(([key, form]) => {
    const base64 = Buffer.from(key).toString('base64');
    if (form === 'bare') return base64;
    if (form === 'unpadded') return `whsec_${base64.replace(/=+$/, '')}`;
    return `whsec_${base64}`;
  });

const VISIBLE_NO_DOT = [...Array(94)]
  .map((_, i) => String.fromCharCode(0x21 + i))
  .filter((c) => c !== '.');

/** Message ids this library signs: 1 to 64 visible ASCII characters without `.`. */
export const idArb = fc.string({
  unit: fc.constantFrom(...VISIBLE_NO_DOT),
  minLength: 1,
  maxLength: 64,
});

/** Message ids any sender may use, `.` included (the verifier accepts them). */
export const anyIdArb = fc.string({
  unit: fc.constantFrom(...VISIBLE_NO_DOT, '.'),
  minLength: 1,
  maxLength: 64,
});

/** Any body: a Unicode string or bytes. */
export const bodyArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }),
);

/** Unix seconds a header can carry. */
export const timestampArb = fc.integer({ min: 1, max: 99_999_999_999 });
