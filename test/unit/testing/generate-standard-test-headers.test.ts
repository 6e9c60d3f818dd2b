import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifyStandardWebhook } from '../../../src/signature/verify-standard-webhook.node.js';
import { createFakeClock } from '../../../src/testing/create-fake-clock.js';
import { generateStandardTestHeaders } from '../../../src/testing/generate-standard-test-headers.node.js';
import { errorOf } from '../../helpers/thrown.js';
import { SPEC_VECTOR, secretArb } from '../signature/standard-helpers.js';

describe('generateStandardTestHeaders', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reproduces the reference vector with an explicit id and timestampSeconds', () => {
    expect(
      generateStandardTestHeaders({
        payload: SPEC_VECTOR.body,
        secret: SPEC_VECTOR.secret,
        id: SPEC_VECTOR.id,
        timestampSeconds: SPEC_VECTOR.timestamp,
      }),
    ).toEqual({
      'webhook-id': SPEC_VECTOR.id,
      'webhook-timestamp': String(SPEC_VECTOR.timestamp),
      'webhook-signature': SPEC_VECTOR.signature,
    });
  });

  it('signs at the fake clock by default, with an all-zero event id', () => {
    const clock = createFakeClock();
    const headers = generateStandardTestHeaders({
      payload: '{}',
      secret: SPEC_VECTOR.secret,
      now: clock.now,
    });
    expect(headers['webhook-id']).toBe(`evt_${'0'.repeat(26)}`);
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(clock.now() / 1000)));
    expect(verifyStandardWebhook('{}', headers, SPEC_VECTOR.secret, { now: clock.now }).id).toBe(
      headers['webhook-id'],
    );
    clock.advance(301_000);
    expect(() =>
      verifyStandardWebhook('{}', headers, SPEC_VECTOR.secret, { now: clock.now }),
    ).toThrow(expect.objectContaining({ code: 'timestamp_too_old' }));
  });

  it('defaults to Date.now, and the reference library verifies what it makes, with every secret', () => {
    fc.assert(
      fc.property(
        fc.array(secretArb, { minLength: 1, maxLength: 3 }),
        fc.string({ maxLength: 100 }),
        (secrets, payload) => {
          const headers = generateStandardTestHeaders({ payload, secret: secrets });
          for (const secret of secrets) {
            expect(() =>
              new Webhook(secret).verify(payload, headers, { jsonParse: false }),
            ).not.toThrow();
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it('rejects bad options, naming them', () => {
    const base = { payload: '{}', secret: SPEC_VECTOR.secret };
    expect(errorOf(() => generateStandardTestHeaders(null as never))).toMatchObject({
      code: 'invalid_option',
    });
    expect(errorOf(() => generateStandardTestHeaders({ ...base, id: 'evt.1' }))).toMatchObject({
      code: 'invalid_option',
      issues: [{ path: 'id' }],
    });
    expect(
      errorOf(() => generateStandardTestHeaders({ ...base, timestampSeconds: Date.now() })),
    ).toMatchObject({
      code: 'invalid_option',
      issues: [{ path: 'timestampSeconds' }],
    });
    expect(errorOf(() => generateStandardTestHeaders({ ...base, now: 5 as never }))).toMatchObject({
      code: 'invalid_option',
      issues: [{ path: 'now' }],
    });
    expect(
      errorOf(() => generateStandardTestHeaders({ ...base, secret: 'whsec_a_b-c' })),
    ).toMatchObject({
      code: 'invalid_secret',
    });
    expect(
      errorOf(() => generateStandardTestHeaders({ ...base, payload: {} as never })),
    ).toMatchObject({
      code: 'invalid_payload_type',
    });
  });
});
