// One options-object check for every signer, builder and /testing helper: a value that is not a
// plain options object (an array included) is refused the same way everywhere.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildEudrSignature } from '../../../../src/core/signature/build-eudr-signature.js';
import { buildNovatradeSignatureHeader } from '../../../../src/core/signature/build-novatrade-signature-header.js';
import { buildStandardWebhookSignature } from '../../../../src/core/signature/build-standard-webhook-signature.js';
import { signNovatradePayload } from '../../../../src/signature/sign-novatrade-payload.node.js';
import { signStandardWebhook } from '../../../../src/signature/sign-standard-webhook.node.js';
import { createFakeClock, generateTestHeader } from '../../../../src/testing/index.js';
import { thrown } from '../../../helpers/thrown.js';

const SECRET = 'whsec_options_object_check';
const CALLS: readonly [string, (options: unknown) => unknown][] = [
  ['buildNovatradeSignatureHeader', (o) => buildNovatradeSignatureHeader('{}', o as never)],
  ['buildEudrSignature', (o) => buildEudrSignature('{}', o as never)],
  ['buildStandardWebhookSignature', (o) => buildStandardWebhookSignature('{}', o as never)],
  ['signNovatradePayload', (o) => signNovatradePayload('{}', SECRET, o as never)],
  ['signStandardWebhook', (o) => signStandardWebhook('{}', o as never)],
  ['createFakeClock', (o) => createFakeClock(o as never)],
  ['generateTestHeader', (o) => generateTestHeader(o as never)],
];

describe.each(CALLS)('%s', (_name, call) => {
  it('property: anything that is not a non-array object is invalid_option at options, invalid_type', () => {
    const notAnObject = fc.oneof(
      fc.constant(null),
      fc.array(fc.anything()),
      fc.string(),
      fc.integer(),
      fc.boolean(),
    );
    fc.assert(
      fc.property(notAnObject, (options) => {
        const error = thrown(() => call(options));
        expect(error.code).toBe('invalid_option');
        expect(error.issues).toEqual([
          { path: 'options', code: 'invalid_type', message: error.message },
        ]);
        expect(error.message).toMatch(/^options must be an object; got /);
      }),
    );
  });
});
