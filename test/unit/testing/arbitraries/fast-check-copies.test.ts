// The arbitraries are built with the fast-check that `require` finds (its CommonJS copy, loaded on
// first use through loadOptionalPeer), while this file, like an integrator's test, imports
// fast-check as ESM: a second copy, with its own classes. These tests prove the two work
// together: properties, combinators, async properties and shrinking, all run by the ESM copy.

import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../../../src/core/catalog/event-types.js';
import { parseEudrEvent } from '../../../../src/core/catalog/parse-eudr-event.js';
import { parseEvent } from '../../../../src/core/catalog/parse-event.js';
import { verifyNovatradeSignature } from '../../../../src/signature/verify-novatrade-signature.node.js';
import { eudrEventArbitrary } from '../../../../src/testing/arbitraries/eudr-event-arbitrary.js';
import { eventArbitrary } from '../../../../src/testing/arbitraries/event-arbitrary.js';
import { partnerFilterArbitrary } from '../../../../src/testing/arbitraries/partner-filter-arbitrary.js';
import { signedRequestArbitrary } from '../../../../src/testing/arbitraries/signed-request-arbitrary.node.js';
import { subscriptionPatternArbitrary } from '../../../../src/testing/arbitraries/subscription-pattern-arbitrary.js';
import { subscriptionSetArbitrary } from '../../../../src/testing/arbitraries/subscription-set-arbitrary.js';
import { createFakeClock } from '../../../../src/testing/create-fake-clock.js';
import { loadOptionalPeer } from '../../../../src/testing/internal/load-optional-peer.node.js';

describe('two copies of fast-check', () => {
  it('the arbitraries come from another copy than the one this file imports', () => {
    const loaded = loadOptionalPeer<typeof fc>('fast-check', 'test');
    expect(loaded).not.toBe(fc);
    expect(loaded.Arbitrary).not.toBe(fc.Arbitrary);
    const arbitrary = eventArbitrary();
    expect(arbitrary).toBeInstanceOf(loaded.Arbitrary);
    expect(arbitrary).not.toBeInstanceOf(fc.Arbitrary);
  });

  it('fc.assert(fc.property(...)) of the ESM copy runs them', () => {
    let runs = 0;
    fc.assert(
      fc.property(eventArbitrary(), subscriptionPatternArbitrary(), (event, pattern) => {
        runs += 1;
        expect(parseEvent(event, { strict: true })).toEqual(event);
        expect(pattern).not.toBe('*');
      }),
      { numRuns: 50 },
    );
    expect(runs).toBe(50);
  });

  it('combinators of the ESM copy take them: tuple, record, array, oneof, map, filter, chain', () => {
    const combined = fc.record({
      pair: fc.tuple(eventArbitrary(), fc.integer()),
      either: fc.oneof(eventArbitrary(), eudrEventArbitrary(), fc.constant(null)),
      kinds: fc.array(subscriptionPatternArbitrary(), { maxLength: 3 }),
      decision: eventArbitrary({ types: ['compliance.decision_made'] })
        .map((event) => event.data.decision)
        .filter((decision) => decision === 'VAT_APPLICABLE'),
      chained: partnerFilterArbitrary().chain((filter) =>
        fc.constant(filter === null ? 0 : filter.length),
      ),
    });
    fc.assert(
      fc.property(combined, ({ pair, either, kinds, decision, chained }) => {
        expect(EVENT_TYPES).toContain(pair[0].type);
        expect(Number.isInteger(pair[1])).toBe(true);
        if (either !== null) {
          if ('event' in either) parseEudrEvent(either, { strict: true });
          else parseEvent(either, { strict: true });
        }
        expect(kinds.length).toBeLessThanOrEqual(3);
        expect(decision).toBe('VAT_APPLICABLE');
        expect(chained).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 60 },
    );
  });

  it('fc.asyncProperty runs them', async () => {
    const clock = createFakeClock();
    await fc.assert(
      fc.asyncProperty(signedRequestArbitrary({ now: clock.now }), async (signed) => {
        await Promise.resolve();
        let code: string | null = null;
        try {
          verifyNovatradeSignature(
            signed.body,
            signed.headers['X-Novatrade-Signature'],
            signed.secret,
            {
              now: clock.now,
            },
          );
        } catch (error) {
          code = (error as { code: string }).code;
        }
        expect(code).toBe(signed.expectedCode);
      }),
      { numRuns: 40 },
    );
  });

  it('a failing property shrinks to a small counterexample (fc.check of the ESM copy)', () => {
    const result = fc.check(
      fc.property(
        eventArbitrary(),
        (event) => event.type !== 'compliance.status_changed' || event.data.blockers.length === 0,
      ),
      { seed: 1, numRuns: 200 },
    );
    expect(result.failed).toBe(true);
    const [event] = result.counterexample ?? [];
    expect(event).toMatchObject({
      id: `evt_${'0'.repeat(26)}`,
      type: 'compliance.status_changed',
      source: 'API',
      createdAt: '2020-01-01T00:00:00Z',
      data: { previousStatus: 'INCOMPLETE', currentStatus: 'INCOMPLETE', blockers: [{}] },
    });
  });

  it('shrinks sets, filters and signed requests too', () => {
    const set = fc.check(
      fc.property(subscriptionSetArbitrary(), (events) => !events.includes('kyc.*')),
      { seed: 2 },
    );
    const [events] = set.counterexample ?? [];
    expect(events).toContain('kyc.*');
    expect(events?.length).toBeLessThanOrEqual(2);
    const filter = fc.check(
      fc.property(partnerFilterArbitrary(), (filter) => filter === null || filter.length < 2),
      { seed: 2 },
    );
    expect(filter.counterexample?.[0]).toHaveLength(2);
    const clock = createFakeClock();
    const signed = fc.check(
      fc.property(
        signedRequestArbitrary({ now: clock.now, variant: 'expired' }),
        (request) => request.expectedCode !== 'timestamp_too_old',
      ),
      { seed: 2 },
    );
    // The edge of the window: 300 s, the 60 s margin, and one second more.
    expect(signed.counterexample?.[0]?.timestampSeconds).toBe(clock.nowSeconds() - 361);
  });

  it('src never imports fast-check as a value: it is an optional peer, loaded on first use', () => {
    const root = new URL('../../../../src/testing/', import.meta.url);
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((file) =>
      file.endsWith('.ts'),
    );
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const source = readFileSync(new URL(file, root), 'utf8');
      expect(source, file).not.toMatch(/^import(?!\s+type\b)[^;]*from\s+'fast-check'/m);
      expect(source, file).not.toMatch(
        /require\(\s*'fast-check'\s*\)|import\(\s*'fast-check'\s*\)/,
      );
    }
  });
});
