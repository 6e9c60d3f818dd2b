import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EUDR_EVENT_TYPES, EVENT_TYPES } from '../../../../src/core/catalog/event-types.js';
import { WebhookValidationError } from '../../../../src/core/errors.js';
import {
  type EndpointSubscription,
  SubscriptionIndex,
} from '../../../../src/core/subscription/index.js';
import { thrown } from '../../../helpers/thrown.js';
import { type NaiveEndpoint, naiveMatchAll, naiveSegments } from './naive-reference.js';

const P1 = '11111111-1111-4111-8111-111111111111';
const P2 = '22222222-2222-4222-8222-222222222222';
const P3 = '33333333-3333-4333-8333-333333333333';
const SEGMENTS = naiveSegments(EVENT_TYPES);

function sorted(ids: readonly string[]): string[] {
  return [...ids].sort();
}

describe('SubscriptionIndex: known cases', () => {
  it('match returns the endpoints of an exact type and of its segment wildcard', () => {
    const index = new SubscriptionIndex();
    index.add('wh_exact', { events: ['kyc.verification_completed'], partnerIds: null });
    index.add('wh_segment', { events: ['kyc.*'], partnerIds: null });
    index.add('wh_other', { events: ['compliance.*', 'kyc.vies_check_failed'], partnerIds: null });
    expect(sorted(index.match('kyc.verification_completed', P1))).toEqual([
      'wh_exact',
      'wh_segment',
    ]);
    expect(sorted(index.match('kyc.vies_check_failed', null))).toEqual(['wh_other', 'wh_segment']);
    expect(index.match('prospect.submitted', P1)).toEqual([]);
  });

  it('overlapping patterns of one endpoint deliver once', () => {
    const index = new SubscriptionIndex();
    index.add('wh_1', {
      events: ['compliance.*', 'compliance.status_changed', 'compliance.decision_made'],
      partnerIds: [P1, P2],
    });
    expect(index.match('compliance.status_changed', P1)).toEqual(['wh_1']);
    expect(index.match('compliance.status_changed', null)).toEqual(['wh_1']);
  });

  it('a segment wildcard matches a type added to the segment later; an exact pattern does not', () => {
    const index = new SubscriptionIndex();
    index.add('wh_segment', { events: ['compliance.*'], partnerIds: null });
    index.add('wh_exact', { events: ['compliance.status_changed'], partnerIds: null });
    expect(index.match('compliance.new_type', P1)).toEqual(['wh_segment']);
    expect(index.match('unknown.type', P1)).toEqual([]);
    expect(index.match('compliance', P1)).toEqual([]);
    expect(index.match('compliance.', P1)).toEqual([]);
  });

  it('partner filters: a partner event reaches unfiltered endpoints and filters that list it', () => {
    const index = new SubscriptionIndex();
    index.add('wh_all', { events: ['prospect.submitted'], partnerIds: null });
    index.add('wh_omitted', { events: ['prospect.submitted'] });
    index.add('wh_p1', { events: ['prospect.*'], partnerIds: [P1] });
    index.add('wh_p1p2', { events: ['prospect.submitted'], partnerIds: [P1, P2, P1] });
    index.add('wh_none', { events: ['prospect.submitted'], partnerIds: [] });
    expect(sorted(index.match('prospect.submitted', P1))).toEqual([
      'wh_all',
      'wh_omitted',
      'wh_p1',
      'wh_p1p2',
    ]);
    expect(sorted(index.match('prospect.submitted', P2))).toEqual([
      'wh_all',
      'wh_omitted',
      'wh_p1p2',
    ]);
    expect(sorted(index.match('prospect.submitted', P3))).toEqual(['wh_all', 'wh_omitted']);
  });

  it('an organization-level event (partnerUuid null) reaches subscribers whatever their filter', () => {
    const index = new SubscriptionIndex();
    index.add('wh_meta', { events: ['webhook.*'], partnerIds: [P1] });
    index.add('wh_exact', { events: ['webhook.endpoint_auto_paused'], partnerIds: [] });
    index.add('wh_all', { events: ['webhook.*'], partnerIds: null });
    index.add('wh_unsubscribed', { events: ['kyc.*'], partnerIds: null });
    expect(sorted(index.match('webhook.endpoint_auto_paused', null))).toEqual([
      'wh_all',
      'wh_exact',
      'wh_meta',
    ]);
    expect(sorted(index.match('webhook.delivery_failed_terminal', null))).toEqual([
      'wh_all',
      'wh_meta',
    ]);
  });

  it('add replaces an earlier registration of the same id', () => {
    const index = new SubscriptionIndex();
    index.add('wh_1', { events: ['kyc.*'], partnerIds: [P1] });
    index.add('wh_1', { events: ['compliance.status_changed'], partnerIds: null });
    expect(index.size).toBe(1);
    expect(index.match('kyc.verification_completed', P1)).toEqual([]);
    expect(index.match('compliance.status_changed', P2)).toEqual(['wh_1']);
  });

  it('remove unregisters and reports whether the id was registered', () => {
    const index = new SubscriptionIndex();
    index.add('wh_1', { events: ['kyc.*', 'compliance.status_changed'], partnerIds: [P1] });
    expect(index.has('wh_1')).toBe(true);
    expect(index.remove('wh_1')).toBe(true);
    expect(index.remove('wh_1')).toBe(false);
    expect(index.has('wh_1')).toBe(false);
    expect(index.size).toBe(0);
    expect(index.match('kyc.verification_completed', P1)).toEqual([]);
    expect(index.match('compliance.status_changed', null)).toEqual([]);
  });

  it('match returns a fresh array each call', () => {
    const index = new SubscriptionIndex();
    index.add('wh_1', { events: ['kyc.*'] });
    const first = index.match('kyc.verification_completed', P1);
    first.push('tampered');
    expect(index.match('kyc.verification_completed', P1)).toEqual(['wh_1']);
  });

  it('an index over EUDR_EVENT_TYPES accepts EUDR patterns and rejects Novatrade24 ones', () => {
    const index = new SubscriptionIndex({ eventTypes: EUDR_EVENT_TYPES });
    index.add('wh_1', { events: ['supplier.*', 'dds.approved'] });
    expect(index.match('supplier.deleted', P1)).toEqual(['wh_1']);
    expect(index.match('dds.approved', null)).toEqual(['wh_1']);
    expect(thrown(() => index.add('wh_2', { events: ['kyc.*'] })).code).toBe(
      'invalid_subscription_pattern',
    );
  });

  it('the constructor rejects an invalid catalog with invalid_option', () => {
    expect(thrown(() => new SubscriptionIndex({ eventTypes: ['*'] })).code).toBe('invalid_option');
  });

  const invalidAdds: ReadonlyArray<{
    readonly name: string;
    readonly id: unknown;
    readonly subscription: unknown;
    readonly code: string;
    readonly path: string;
  }> = [
    {
      name: 'an invalid pattern',
      id: 'wh_1',
      subscription: { events: ['kyc.*', '*'] },
      code: 'invalid_subscription_pattern',
      path: 'events[1]',
    },
    {
      name: 'an empty events list',
      id: 'wh_1',
      subscription: { events: [] },
      code: 'invalid_subscription_pattern',
      path: 'events',
    },
    {
      name: 'a repeated pattern',
      id: 'wh_1',
      subscription: { events: ['kyc.*', 'kyc.*'] },
      code: 'invalid_subscription_pattern',
      path: 'events[1]',
    },
    {
      name: 'an empty endpoint id',
      id: '',
      subscription: { events: ['kyc.*'] },
      code: 'invalid_option',
      path: 'endpointId',
    },
    {
      name: 'a non-string endpoint id',
      id: 7,
      subscription: { events: ['kyc.*'] },
      code: 'invalid_option',
      path: 'endpointId',
    },
    {
      name: 'a null subscription',
      id: 'wh_1',
      subscription: null,
      code: 'invalid_option',
      path: 'subscription',
    },
    {
      name: 'partnerIds not an array',
      id: 'wh_1',
      subscription: { events: ['kyc.*'], partnerIds: P1 },
      code: 'invalid_option',
      path: 'partnerIds',
    },
    {
      name: 'an empty partner id',
      id: 'wh_1',
      subscription: { events: ['kyc.*'], partnerIds: [P1, ''] },
      code: 'invalid_option',
      path: 'partnerIds[1]',
    },
  ];

  it.each(invalidAdds)('add with $name throws $code at $path and changes nothing', (c) => {
    const index = new SubscriptionIndex();
    index.add('wh_1', { events: ['compliance.*'], partnerIds: [P1] });
    const error = thrown(() => index.add(c.id as string, c.subscription as EndpointSubscription));
    expect(error.code).toBe(c.code);
    expect(error.issues[0]?.path).toBe(c.path);
    expect(index.size).toBe(1);
    expect(index.match('compliance.status_changed', P1)).toEqual(['wh_1']);
    expect(index.match('kyc.verification_completed', null)).toEqual([]);
  });
});

// ---- Model-based properties: the index against a naive scan over every registration. ----

const IDS = ['wh_0', 'wh_1', 'wh_2', 'wh_3', 'wh_4', 'wh_5'];
const PARTNERS = [P1, P2, P3];
const QUERY_TYPES = [
  ...EVENT_TYPES,
  'compliance.new_type',
  'webhook.future_meta',
  'unknown.type',
  'kyc',
  'kyc.',
];
const QUERY_PARTNERS: readonly (string | null)[] = [null, ...PARTNERS, 'not-a-listed-partner'];

const validPattern = fc.constantFrom(...EVENT_TYPES, ...SEGMENTS.map((s) => `${s}.*`));
const invalidPattern = fc.constantFrom(
  '*',
  '**',
  'kyc.*.*',
  '*.status_changed',
  'kyc*',
  '',
  ' kyc.*',
  'unknown.*',
  'kyc.unknown',
);
const partnerIdsArb = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.constantFrom(...PARTNERS), { maxLength: 4 }),
);

type Op =
  | { readonly op: 'add'; readonly id: string; readonly subscription: EndpointSubscription }
  | { readonly op: 'remove'; readonly id: string };

function subscriptionOf(
  events: readonly string[],
  partnerIds: readonly string[] | null | undefined,
): EndpointSubscription {
  return partnerIds === undefined ? { events } : { events, partnerIds };
}

const addOp = fc
  .record({
    id: fc.constantFrom(...IDS),
    events: fc.uniqueArray(validPattern, { minLength: 1, maxLength: 5 }),
    partnerIds: partnerIdsArb,
  })
  .map(
    ({ id, events, partnerIds }): Op => ({
      op: 'add',
      id,
      subscription: subscriptionOf(events, partnerIds),
    }),
  );
const removeOp = fc.constantFrom(...IDS).map((id): Op => ({ op: 'remove', id }));
const opsArb = fc.array(
  fc.oneof({ arbitrary: addOp, weight: 3 }, { arbitrary: removeOp, weight: 1 }),
  {
    maxLength: 20,
  },
);

// Invalid subscriptions: a bad pattern among good ones, an empty list, a duplicate, bad partners.
const invalidSubscription = fc.oneof(
  fc
    .tuple(fc.uniqueArray(validPattern, { maxLength: 3 }), invalidPattern, fc.nat())
    .map(([good, bad, at]) => {
      const events = [...good];
      events.splice(at % (good.length + 1), 0, bad);
      return { events } as EndpointSubscription;
    }),
  fc.constant({ events: [] } as EndpointSubscription),
  validPattern.map((p) => ({ events: [p, 'webhook.*', p] }) as EndpointSubscription),
  validPattern.map(
    (p) => ({ events: [p], partnerIds: [P1, 42] }) as unknown as EndpointSubscription,
  ),
);

function apply(index: SubscriptionIndex, model: Map<string, NaiveEndpoint>, op: Op): void {
  if (op.op === 'remove') {
    expect(index.remove(op.id)).toBe(model.delete(op.id));
    return;
  }
  index.add(op.id, op.subscription);
  model.set(op.id, {
    events: [...op.subscription.events],
    partnerIds: op.subscription.partnerIds ?? null,
  });
}

/** Every query's result, sorted, plus size and membership: the index's observable state. */
function snapshot(index: SubscriptionIndex): unknown {
  return {
    size: index.size,
    has: IDS.map((id) => index.has(id)),
    matches: QUERY_TYPES.flatMap((type) =>
      QUERY_PARTNERS.map((partner) => sorted(index.match(type, partner))),
    ),
  };
}

function expectAgreesWithModel(index: SubscriptionIndex, model: Map<string, NaiveEndpoint>): void {
  expect(index.size).toBe(model.size);
  for (const id of IDS) expect(index.has(id)).toBe(model.has(id));
  for (const type of QUERY_TYPES) {
    for (const partner of QUERY_PARTNERS) {
      const actual = index.match(type, partner);
      expect(new Set(actual).size).toBe(actual.length); // never a duplicate
      expect(sorted(actual)).toEqual(naiveMatchAll(model, type, partner));
    }
  }
}

describe('SubscriptionIndex: properties', () => {
  it('match equals a naive scan after any sequence of add, update and remove', () => {
    fc.assert(
      fc.property(opsArb, (ops) => {
        const index = new SubscriptionIndex();
        const model = new Map<string, NaiveEndpoint>();
        for (const op of ops) {
          apply(index, model, op);
          expectAgreesWithModel(index, model);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('match equals a naive scan for random event types and partners', () => {
    const typeArb = fc.oneof(
      fc.constantFrom(...QUERY_TYPES),
      fc
        .tuple(fc.constantFrom(...SEGMENTS), fc.string({ maxLength: 6 }))
        .map(([s, r]) => `${s}.${r}`),
      fc.string({ maxLength: 12 }),
    );
    const partnerArb = fc.oneof(
      fc.constant(null),
      fc.constantFrom(...PARTNERS),
      fc.string({ maxLength: 4 }),
    );
    fc.assert(
      fc.property(
        opsArb,
        fc.array(fc.tuple(typeArb, partnerArb), { minLength: 1, maxLength: 20 }),
        (ops, queries) => {
          const index = new SubscriptionIndex();
          const model = new Map<string, NaiveEndpoint>();
          for (const op of ops) apply(index, model, op);
          for (const [type, partner] of queries) {
            const actual = index.match(type, partner);
            expect(new Set(actual).size).toBe(actual.length);
            expect(sorted(actual)).toEqual(naiveMatchAll(model, type, partner));
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a failed add throws a WebhookValidationError and leaves the index unchanged', () => {
    fc.assert(
      fc.property(opsArb, fc.constantFrom(...IDS), invalidSubscription, (ops, id, subscription) => {
        const index = new SubscriptionIndex();
        const model = new Map<string, NaiveEndpoint>();
        for (const op of ops) apply(index, model, op);
        const before = snapshot(index);
        expect(() => index.add(id, subscription)).toThrow(WebhookValidationError);
        expect(snapshot(index)).toEqual(before);
        expectAgreesWithModel(index, model);
      }),
      { numRuns: 100 },
    );
  });
});
