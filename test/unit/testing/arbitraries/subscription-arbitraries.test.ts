// subscriptionPatternArbitrary, subscriptionSetArbitrary and partnerFilterArbitrary: every value
// is what the subscription code and the sender accept (never the root `*`, never an empty partner
// list), every pattern of the catalog turns up, and the options are checked up front.

import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  EUDR_EVENT_TYPES,
  EVENT_TYPES,
  type EventType,
} from '../../../../src/core/catalog/event-types.js';
import {
  matchesSubscription,
  parseSubscriptionPattern,
  parseSubscriptionPatterns,
  SubscriptionIndex,
} from '../../../../src/core/subscription/index.js';
import { WebhookSender } from '../../../../src/sender/webhook-sender.js';
import { partnerFilterArbitrary } from '../../../../src/testing/arbitraries/partner-filter-arbitrary.js';
import {
  type SubscriptionPattern,
  subscriptionPatternArbitrary,
} from '../../../../src/testing/arbitraries/subscription-pattern-arbitrary.js';
import { subscriptionSetArbitrary } from '../../../../src/testing/arbitraries/subscription-set-arbitrary.js';
import { createRecordingTransport } from '../../../../src/testing/create-recording-transport.js';
import { thrown } from '../../../helpers/thrown.js';

const ORG = '00000000-0000-0000-0000-0000000000aa';
const PARTNERS = ['11111111-2222-3333-4444-555555555555', 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'];
const NOVATRADE_PATTERNS = [
  ...EVENT_TYPES,
  'compliance.*',
  'kyc.*',
  'export_file.*',
  'prospect.*',
  'self_service_invitation.*',
  'webhook.*',
];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function samples<T>(arbitrary: fc.Arbitrary<T>, numRuns: number, seed = 13): T[] {
  return fc.sample(arbitrary, { seed, numRuns });
}

describe('subscriptionPatternArbitrary', () => {
  it('every pattern parses, is never the root wildcard and matches a catalog type', () => {
    fc.assert(
      fc.property(subscriptionPatternArbitrary(), (pattern) => {
        expect(pattern).not.toBe('*');
        expect(parseSubscriptionPattern(pattern).source).toBe(pattern);
        expect(EVENT_TYPES.some((type) => matchesSubscription(pattern, type))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('generates every exact type and every segment wildcard of the catalog', () => {
    const seen = new Set(samples(subscriptionPatternArbitrary(), 300));
    expect([...seen].sort()).toEqual([...NOVATRADE_PATTERNS].sort());
  });

  it('eventTypes: the EUDR catalog, or one of your own', () => {
    const eudr = subscriptionPatternArbitrary({ eventTypes: EUDR_EVENT_TYPES });
    expectTypeOf(eudr).toEqualTypeOf<
      fc.Arbitrary<SubscriptionPattern<(typeof EUDR_EVENT_TYPES)[number]>>
    >();
    const seen = new Set<string>();
    for (const pattern of samples(eudr, 300)) {
      seen.add(pattern);
      const parsed = parseSubscriptionPattern(pattern, { eventTypes: EUDR_EVENT_TYPES });
      expect(EUDR_EVENT_TYPES.some((type) => matchesSubscription(parsed, type))).toBe(true);
    }
    expect(seen.size).toBe(EUDR_EVENT_TYPES.length + 5); // supplier, product, batch, sync, dds
    const own = samples(subscriptionPatternArbitrary({ eventTypes: ['order.line.added'] }), 20);
    expect(new Set(own)).toEqual(new Set(['order.line.added', 'order.*']));
  });

  it('types its values: a Novatrade24 pattern by default', () => {
    expectTypeOf(subscriptionPatternArbitrary()).toEqualTypeOf<
      fc.Arbitrary<SubscriptionPattern<EventType>>
    >();
  });

  it.each([
    [{ eventTypes: [] }, 'eventTypes', 'too_small'],
    [{ eventTypes: ['kyc'] }, 'eventTypes[0]', 'invalid_format'],
    [{ eventTypes: ['a.b', '*'] }, 'eventTypes[1]', 'invalid_format'],
    [{ evenTypes: EVENT_TYPES }, 'evenTypes', 'unrecognized_key'],
  ])('refuses %j at construction: %s (%s)', (options, path, code) => {
    const error = thrown(() => subscriptionPatternArbitrary(options as never));
    expect(error.code).toBe('invalid_option');
    expect(error.issues).toEqual([expect.objectContaining({ path, code })]);
  });
});

describe('subscriptionSetArbitrary', () => {
  it('every set is a valid events list: non-empty, no repeats, accepted by SubscriptionIndex', () => {
    fc.assert(
      fc.property(subscriptionSetArbitrary(), (events) => {
        expect(events.length).toBeGreaterThan(0);
        expect(new Set(events).size).toBe(events.length);
        expect(parseSubscriptionPatterns(events).map((p) => p.source)).toEqual(events);
        const index = new SubscriptionIndex();
        index.add('wh_1', { events });
        for (const type of EVENT_TYPES) {
          expect(index.match(type, null)).toEqual(
            events.some((pattern) => matchesSubscription(pattern, type)) ? ['wh_1'] : [],
          );
        }
      }),
      { numRuns: 100 },
    );
  });

  it('includes overlapping sets and sets of one pattern; bounds and the EUDR catalog apply', () => {
    const sets = samples(subscriptionSetArbitrary(), 200);
    expect(sets.some((set) => set.length === 1)).toBe(true);
    expect(sets.some((set) => set.includes('kyc.*') && set.includes('kyc.vies_check_failed'))).toBe(
      true,
    );
    for (const set of samples(subscriptionSetArbitrary({ minLength: 2, maxLength: 3 }), 50)) {
      expect(set.length).toBeGreaterThanOrEqual(2);
      expect(set.length).toBeLessThanOrEqual(3);
    }
    const eudr = subscriptionSetArbitrary({ eventTypes: EUDR_EVENT_TYPES });
    for (const set of samples(eudr, 30)) {
      parseSubscriptionPatterns(set, { eventTypes: EUDR_EVENT_TYPES });
    }
  });

  it('the sender accepts every set, with every partner filter, as an endpoint', async () => {
    const sender = new WebhookSender({ transport: createRecordingTransport() });
    await fc.assert(
      fc.asyncProperty(
        subscriptionSetArbitrary(),
        partnerFilterArbitrary(),
        async (events, partnerIds) => {
          const { endpoint } = await sender.createEndpoint(ORG, {
            url: 'https://partner.example/webhooks',
            events,
            partnerIds,
          });
          expect(endpoint.events).toEqual(events);
          expect(endpoint.partnerIds).toEqual(partnerIds);
        },
      ),
      { numRuns: 40 },
    );
  });

  it.each([
    [{ minLength: 0 }, 'minLength', 'too_small'],
    [{ maxLength: 17 }, 'maxLength', 'too_big'],
    [{ minLength: 4, maxLength: 3 }, 'minLength', 'too_big'],
    [{ maxLength: 1.5 }, 'maxLength', 'invalid_type'],
  ])('refuses %j at construction: %s (%s)', (options, path, code) => {
    const error = thrown(() => subscriptionSetArbitrary(options));
    expect(error.code).toBe('invalid_option');
    expect(error.issues).toEqual([expect.objectContaining({ path, code })]);
  });
});

describe('partnerFilterArbitrary', () => {
  it('null or a non-empty list of distinct UUIDs, never []', () => {
    const filters = samples(partnerFilterArbitrary(), 200);
    expect(filters).toContain(null);
    for (const filter of filters) {
      if (filter === null) continue;
      expect(filter.length).toBeGreaterThanOrEqual(1);
      expect(filter.length).toBeLessThanOrEqual(3);
      expect(new Set(filter).size).toBe(filter.length);
      for (const id of filter) expect(id).toMatch(GUID);
    }
  });

  it('partnerUuids: lists draw from the pool, and every partner turns up', () => {
    const seen = new Set<string>();
    for (const filter of samples(partnerFilterArbitrary({ partnerUuids: PARTNERS }), 100)) {
      for (const id of filter ?? []) {
        expect(PARTNERS).toContain(id);
        seen.add(id);
      }
    }
    expect(seen).toEqual(new Set(PARTNERS));
    for (const filter of samples(partnerFilterArbitrary({ maxLength: 1 }), 50)) {
      expect(filter === null || filter.length === 1).toBe(true);
    }
  });

  it('SubscriptionIndex applies each filter as docs/subscriptions.md states', () => {
    fc.assert(
      fc.property(
        partnerFilterArbitrary({ partnerUuids: PARTNERS }),
        fc.constantFrom(null, ...PARTNERS),
        (partnerIds, partnerUuid) => {
          const index = new SubscriptionIndex();
          index.add('wh_1', { events: ['kyc.*'], partnerIds });
          const wanted =
            partnerIds === null || partnerUuid === null || partnerIds.includes(partnerUuid);
          expect(index.match('kyc.vies_check_failed', partnerUuid)).toEqual(wanted ? ['wh_1'] : []);
        },
      ),
      { numRuns: 100 },
    );
  });

  it.each([
    [{ partnerUuids: ['nope'] }, 'partnerUuids[0]', 'invalid_format'],
    [{ partnerUuids: 'x' }, 'partnerUuids', 'invalid_type'],
    [{ maxLength: 0 }, 'maxLength', 'too_small'],
    [{ maxLength: 1001 }, 'maxLength', 'too_big'],
  ])('refuses %j at construction: %s (%s)', (options, path, code) => {
    const error = thrown(() => partnerFilterArbitrary(options as never));
    expect(error.code).toBe('invalid_option');
    expect(error.issues).toEqual([expect.objectContaining({ path, code })]);
  });
});
