// signedRequestArbitrary: every generated request verifies, or fails with exactly the code it
// advertises, for each profile and with the verifiers' own `now` and tolerance; tampering changes
// one byte of the body or one digit of the signature; every variant turns up; options are checked
// when the arbitrary is built.

import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { EudrWebhookEvent, WebhookEvent } from '../../../../src/core/catalog/index.js';
import { constructEudrEvent } from '../../../../src/receiver/construct-eudr-event.node.js';
import { constructEvent } from '../../../../src/receiver/construct-event.node.js';
import { constructStandardEvent } from '../../../../src/receiver/construct-standard-event.node.js';
import { EudrWebhookReceiver } from '../../../../src/receiver/eudr-webhook-receiver.node.js';
import { verifyEudrSignature } from '../../../../src/signature/verify-eudr-signature.node.js';
import { verifyNovatradeSignature } from '../../../../src/signature/verify-novatrade-signature.node.js';
import { verifyStandardWebhook } from '../../../../src/signature/verify-standard-webhook.node.js';
import { eventArbitrary } from '../../../../src/testing/arbitraries/event-arbitrary.js';
import {
  type GeneratedSignedRequest,
  signedRequestArbitrary,
} from '../../../../src/testing/arbitraries/signed-request-arbitrary.node.js';
import { createFakeClock } from '../../../../src/testing/create-fake-clock.js';
import {
  createSignedRequest,
  type SignableEvent,
  type SignedRequestProfile,
} from '../../../../src/testing/create-signed-request.node.js';
import { thrown } from '../../../helpers/thrown.js';

const PROFILES = ['novatrade', 'eudr', 'standard-webhooks'] as const;
const SIGNATURE_HEADER = {
  novatrade: 'X-Novatrade-Signature',
  eudr: 'X-Webhook-Signature',
  'standard-webhooks': 'webhook-signature',
} as const;

/** The verification code of `run`, or null when it returns. */
function outcome(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    return (error as { code?: string }).code ?? 'no code';
  }
}

/** Verifies with the profile's own verifier, the clock and the window given. */
function verify(
  signed: GeneratedSignedRequest<SignableEvent>,
  now: () => number,
  toleranceSeconds = 300,
): string | null {
  const { body, headers, secret } = signed;
  switch (signed.profile) {
    case 'novatrade':
      return outcome(() =>
        verifyNovatradeSignature(body, headers['X-Novatrade-Signature'], secret, {
          now,
          toleranceSeconds,
        }),
      );
    case 'eudr':
      return outcome(() =>
        verifyEudrSignature(body, headers['X-Webhook-Signature'], secret, {
          now,
          toleranceSeconds,
          timestamp: headers['X-Webhook-Timestamp'],
        }),
      );
    default:
      return outcome(() => verifyStandardWebhook(body, headers, secret, { now, toleranceSeconds }));
  }
}

const utf8 = (text: string) => new TextEncoder().encode(text);

function samples<T>(arbitrary: fc.Arbitrary<T>, numRuns: number, seed = 17): T[] {
  return fc.sample(arbitrary, { seed, numRuns });
}

describe.each(PROFILES)('signedRequestArbitrary (%s)', (profile) => {
  it('every request verifies, or fails with exactly its expectedCode', () => {
    const clock = createFakeClock();
    fc.assert(
      fc.property(signedRequestArbitrary({ profile, now: clock.now }), (signed) => {
        expect(signed.profile).toBe(profile);
        expect(signed.nowMs).toBe(clock.now());
        expect(verify(signed, clock.now)).toBe(signed.expectedCode);
      }),
      { numRuns: 120 },
    );
  });

  it('a valid request gives back its event through the constructor (strict)', () => {
    const clock = createFakeClock();
    fc.assert(
      fc.property(
        signedRequestArbitrary({ profile, now: clock.now, variant: 'valid' }),
        (signed) => {
          const options = { now: clock.now, strict: true } as const;
          const event =
            profile === 'novatrade'
              ? constructEvent(signed.body, signed.headers, signed.secret, options)
              : profile === 'eudr'
                ? constructEudrEvent(signed.body, signed.headers, signed.secret, {
                    ...options,
                    toleranceSeconds: 300,
                  })
                : constructStandardEvent(signed.body, signed.headers, signed.secret, options);
          expect(event).toEqual(signed.event);
          expect(JSON.parse(signed.body)).toEqual(signed.event);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('generates every variant, every tampering and both sides of the window', () => {
    const clock = createFakeClock();
    const seen = new Set(
      samples(signedRequestArbitrary({ profile, now: clock.now }), 200).map(
        (signed) => `${signed.variant}/${signed.tampering}/${signed.expectedCode}`,
      ),
    );
    expect([...seen].sort()).toEqual([
      'expired/null/timestamp_too_new',
      'expired/null/timestamp_too_old',
      'tampered/body/signature_mismatch',
      'tampered/secret/signature_mismatch',
      'tampered/signature/signature_mismatch',
      'valid/null/null',
    ]);
  });

  it('tampering changes exactly one byte of the body, or one character of the signature', () => {
    const clock = createFakeClock();
    const arbitrary = signedRequestArbitrary({ profile, now: clock.now, variant: 'tampered' });
    for (const signed of samples(arbitrary, 100)) {
      const untouched = createSignedRequest(signed.event, {
        secret: signed.secret,
        profile: signed.profile as SignedRequestProfile,
        timestampSeconds: signed.timestampSeconds,
      });
      const name = SIGNATURE_HEADER[profile];
      if (signed.tampering === 'body') {
        const [a, b] = [utf8(untouched.body), utf8(signed.body)];
        expect(b.length).toBe(a.length);
        expect(a.filter((byte, i) => byte !== b[i]).length).toBe(1);
        expect(signed.headers).toEqual(untouched.headers);
      } else {
        expect(signed.body).toBe(untouched.body);
        const [a, b] = [untouched.headers[name] as string, signed.headers[name] as string];
        expect(b.length).toBe(a.length);
        const changed = [...a].filter((char, i) => char !== b[i]).length;
        // A changed digit (signature), or a whole other signature (secret).
        if (signed.tampering === 'signature') expect(changed).toBe(1);
        else expect(changed).toBeGreaterThan(1);
      }
    }
  });
});

describe('signedRequestArbitrary: options', () => {
  it('types its values by profile and events', () => {
    expectTypeOf(signedRequestArbitrary()).toEqualTypeOf<
      fc.Arbitrary<GeneratedSignedRequest<WebhookEvent>>
    >();
    expectTypeOf(signedRequestArbitrary({ profile: 'eudr' })).toEqualTypeOf<
      fc.Arbitrary<GeneratedSignedRequest<EudrWebhookEvent>>
    >();
    expectTypeOf(
      signedRequestArbitrary({ events: eventArbitrary({ types: ['prospect.submitted'] }) }),
    ).toEqualTypeOf<fc.Arbitrary<GeneratedSignedRequest<WebhookEvent<'prospect.submitted'>>>>();
  });

  it('variant: one, several or any', () => {
    const clock = createFakeClock();
    const variantsOf = (variant: Parameters<typeof signedRequestArbitrary>[0]) =>
      new Set(
        samples(signedRequestArbitrary({ ...variant, now: clock.now }), 60).map((s) => s.variant),
      );
    expect(variantsOf({ variant: 'valid' })).toEqual(new Set(['valid']));
    expect(variantsOf({ variant: ['tampered', 'expired'] })).toEqual(
      new Set(['tampered', 'expired']),
    );
    expect(variantsOf({ variant: 'any' })).toEqual(new Set(['valid', 'tampered', 'expired']));
  });

  it('toleranceSeconds: requests are placed for the receiver window, with a margin', () => {
    const clock = createFakeClock();
    for (const toleranceSeconds of [30, 300, 1]) {
      fc.assert(
        fc.property(signedRequestArbitrary({ now: clock.now, toleranceSeconds }), (signed) => {
          expect(verify(signed, clock.now, toleranceSeconds)).toBe(signed.expectedCode);
          const age = Math.abs(clock.nowSeconds() - signed.timestampSeconds);
          const margin = Math.max(1, Math.min(60, Math.floor(toleranceSeconds / 4)));
          if (signed.variant === 'expired') expect(age).toBeGreaterThan(toleranceSeconds + margin);
          else expect(age).toBeLessThanOrEqual(toleranceSeconds - margin);
        }),
        { numRuns: 60 },
      );
    }
  });

  it('a clock that moves on one second between generating and verifying changes no outcome', () => {
    for (const startMs of [Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1) + 999]) {
      const clock = createFakeClock({ nowMs: startMs });
      for (const toleranceSeconds of [1, 1.5, 2, 3, 4, 5, 7, 300]) {
        for (const profile of ['novatrade', 'standard-webhooks'] as const) {
          const arbitrary = signedRequestArbitrary({
            profile,
            now: clock.now,
            toleranceSeconds,
            variant: ['valid', 'expired'],
          });
          // the window's edges are what a moving clock breaks: sample enough to reach them
          for (const signed of samples(arbitrary, toleranceSeconds < 10 ? 60 : 20)) {
            const later = () => signed.nowMs + 1000;
            expect(verify(signed, later, toleranceSeconds)).toBe(signed.expectedCode);
          }
        }
      }
    }
  });

  it('reads the clock for each request; with the default Date.now the outcomes hold too', () => {
    const clock = createFakeClock();
    const arbitrary = signedRequestArbitrary({ now: clock.now, variant: 'valid' });
    const [before] = samples(arbitrary, 1);
    clock.advance(3_600_000);
    const [after] = samples(arbitrary, 1);
    expect((after?.nowMs ?? 0) - (before?.nowMs ?? 0)).toBe(3_600_000);
    fc.assert(
      fc.property(signedRequestArbitrary(), (signed) => {
        expect(verify(signed, Date.now)).toBe(signed.expectedCode);
      }),
      { numRuns: 50 },
    );
  });

  it('secret: a fixed string, an arbitrary (of the ESM copy of fast-check), or minted per request', () => {
    const clock = createFakeClock();
    const fixed = samples(
      signedRequestArbitrary({ now: clock.now, secret: 'whsec_fixed_secret_0001' }),
      20,
    );
    expect(new Set(fixed.map((signed) => signed.secret))).toEqual(
      new Set(['whsec_fixed_secret_0001']),
    );
    const pool = ['whsec_pool_secret_000000a', 'whsec_pool_secret_000000b'];
    const pooled = samples(
      signedRequestArbitrary({ now: clock.now, secret: fc.constantFrom(...pool) }),
      40,
    );
    expect(new Set(pooled.map((signed) => signed.secret))).toEqual(new Set(pool));
    for (const signed of pooled) expect(verify(signed, clock.now)).toBe(signed.expectedCode);
    for (const signed of samples(signedRequestArbitrary({ now: clock.now }), 20)) {
      expect(signed.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    }
    const standard = signedRequestArbitrary({ now: clock.now, profile: 'standard-webhooks' });
    for (const signed of samples(standard, 20)) {
      expect(signed.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    }
  });

  it('an EUDR receiver with a window answers each request as advertised', async () => {
    const clock = createFakeClock();
    const secret = 'whsec_eudr_receiver_secret';
    await fc.assert(
      fc.asyncProperty(
        signedRequestArbitrary({ profile: 'eudr', secret, now: clock.now }),
        async (signed) => {
          const receiver = new EudrWebhookReceiver({
            secret,
            now: clock.now,
            toleranceSeconds: 300,
            dedupe: false,
          });
          const response = await receiver.handle({
            method: 'POST',
            headers: signed.headers,
            body: signed.body,
          });
          if (signed.expectedCode === null) expect(response.status).toBeLessThan(300);
          else {
            expect(response.status).toBe(401);
            expect(JSON.parse(response.body).code).toBe(signed.expectedCode);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('the same seed and clock give the same requests', () => {
    const clock = createFakeClock();
    const view = (signed: GeneratedSignedRequest) => [
      signed.body,
      signed.headers,
      signed.variant,
      signed.tampering,
      signed.secret,
    ];
    expect(samples(signedRequestArbitrary({ now: clock.now }), 20, 42).map(view)).toEqual(
      samples(signedRequestArbitrary({ now: clock.now }), 20, 42).map(view),
    );
  });

  it.each([
    [{ profile: 'standard' }, 'invalid_option', 'profile', 'invalid_value'],
    [{ variant: 'forged' }, 'invalid_option', 'variant', 'invalid_value'],
    [{ variant: [] }, 'invalid_option', 'variant', 'invalid_value'],
    [{ now: 1_767_225_600_000 }, 'invalid_option', 'now', 'invalid_type'],
    [{ toleranceSeconds: 0 }, 'invalid_option', 'toleranceSeconds', 'too_small'],
    [{ toleranceSeconds: 0.5 }, 'invalid_option', 'toleranceSeconds', 'too_small'],
    [
      { toleranceSeconds: Number.POSITIVE_INFINITY },
      'invalid_option',
      'toleranceSeconds',
      'too_big',
    ],
    [{ toleranceSeconds: 31 * 86_400 }, 'invalid_option', 'toleranceSeconds', 'too_big'],
    [{ secret: 42 }, 'invalid_option', 'secret', 'invalid_type'],
    [{ events: [] }, 'invalid_option', 'events', 'invalid_type'],
    [{ tolerance: 300 }, 'invalid_option', 'tolerance', 'unrecognized_key'],
    [{ secret: '' }, 'invalid_secret', 'secret', 'too_small'],
    [
      { secret: 'whsec_not_base64!', profile: 'standard-webhooks' },
      'invalid_secret',
      '',
      undefined,
    ],
  ])('refuses %j at construction: %s', (options, code, path, issueCode) => {
    const error = thrown(() => signedRequestArbitrary(options as never));
    expect(error.code).toBe(code);
    if (issueCode !== undefined) {
      expect(error.issues).toEqual([expect.objectContaining({ path, code: issueCode })]);
    }
  });

  it('a clock that returns no time is named when a request is generated', () => {
    const arbitrary = signedRequestArbitrary({ now: () => Number.NaN });
    const error = thrown(() => fc.sample(arbitrary, 1));
    expect(error.issues[0]?.path).toBe('now');
  });
});
