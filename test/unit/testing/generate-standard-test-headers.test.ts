import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { constructStandardEvent } from '../../../src/receiver/construct-standard-event.node.js';
import { verifyStandardWebhook } from '../../../src/signature/verify-standard-webhook.node.js';
import { createFakeClock } from '../../../src/testing/create-fake-clock.js';
import { createSignedRequest } from '../../../src/testing/create-signed-request.node.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';
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

describe("createSignedRequest with profile: 'standard-webhooks'", () => {
  const secret = SPEC_VECTOR.secret;
  const T = 1_767_225_600;

  it('an event: the body STANDARD_WEBHOOKS_PROFILE sends and its headers, which verify on both sides', () => {
    const event = EVENT_FIXTURES['compliance.decision_made'];
    const signed = createSignedRequest(event, {
      secret,
      profile: 'standard-webhooks',
      timestampSeconds: T,
    });
    const novatrade = createSignedRequest(event, { secret: 'whsec_x', timestampSeconds: T });
    expect(signed.body).toBe(novatrade.body);
    expect(signed.headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': event.id,
      'webhook-timestamp': String(T),
    });
    expect(
      constructStandardEvent(signed.body, signed.headers, secret, { now: () => T * 1000 }),
    ).toEqual(event);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T * 1000);
    expect(() => new Webhook(secret).verify(signed.body, { ...signed.headers })).not.toThrow();
  });

  it("a raw body: webhook-id is the body's id, else the all-zero event id; overrides apply after signing", () => {
    const withId = createSignedRequest('{"id":"evt_raw"}', {
      secret,
      profile: 'standard-webhooks',
      timestampSeconds: T,
    });
    expect(withId.headers['webhook-id']).toBe('evt_raw');
    const bytes = createSignedRequest(new Uint8Array([1, 2, 3]), {
      secret: [secret, `whsec_${Buffer.alloc(24, 1).toString('base64')}`],
      profile: 'standard-webhooks',
      timestampSeconds: T,
    });
    expect(bytes.headers['webhook-id']).toBe(`evt_${'0'.repeat(26)}`);
    expect(bytes.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(
      verifyStandardWebhook(bytes.body, bytes.headers, secret, { now: () => T * 1000 }).id,
    ).toBe(bytes.headers['webhook-id']);
    const forged = createSignedRequest('{}', {
      secret,
      profile: 'standard-webhooks',
      timestampSeconds: T,
      headers: { 'webhook-signature': `v1,${'A'.repeat(43)}=` },
    });
    expect(() =>
      verifyStandardWebhook('{}', forged.headers, secret, { now: () => T * 1000 }),
    ).toThrow(expect.objectContaining({ code: 'signature_mismatch' }));
  });

  it('refuses a secret that is not base64, and names the three profiles for an unknown one', () => {
    expect(
      errorOf(() =>
        createSignedRequest('{}', { secret: 'whsec_a-b_c', profile: 'standard-webhooks' }),
      ),
    ).toMatchObject({ code: 'invalid_secret' });
    expect(
      errorOf(() => createSignedRequest('{}', { secret, profile: 'svix' as never })),
    ).toMatchObject({
      code: 'invalid_option',
      message: expect.stringContaining("'standard-webhooks'"),
    });
  });
});
