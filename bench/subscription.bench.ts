// Subscription matching: SubscriptionIndex.match against a fair naive scan (pre-parsed patterns,
// matchesSubscription, partner check first), and the index's per-match cost as the number of
// non-matching endpoints grows. Deterministic data (seeded PRNG); sized for a 2-core machine.
import { EVENT_TYPES } from '../src/core/catalog/event-types.js';
import {
  matchesSubscription,
  type ParsedSubscriptionPattern,
  parseSubscriptionPattern,
  SubscriptionIndex,
} from '../src/core/subscription/index.js';
import { type BenchCase, type BenchSuite, compare } from './harness.js';

/** mulberry32: a small seeded PRNG, so every run measures the same data. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function uuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

interface Endpoint {
  readonly id: string;
  readonly events: readonly string[];
  readonly partnerIds: readonly string[] | null;
}

interface NaiveEndpoint {
  readonly id: string;
  readonly patterns: readonly ParsedSubscriptionPattern[];
  readonly partnerIds: readonly string[] | null;
}

/** The fair naive matcher: patterns parsed once, partner filter checked before the patterns. */
function naiveMatch(
  endpoints: readonly NaiveEndpoint[],
  eventType: string,
  partnerUuid: string | null,
): string[] {
  const out: string[] = [];
  for (const endpoint of endpoints) {
    const { partnerIds } = endpoint;
    if (partnerUuid !== null && partnerIds !== null && !partnerIds.includes(partnerUuid)) continue;
    for (const pattern of endpoint.patterns) {
      if (matchesSubscription(pattern, eventType)) {
        out.push(endpoint.id);
        break;
      }
    }
  }
  return out;
}

function build(endpoints: readonly Endpoint[], eventTypes: readonly string[]) {
  const index = new SubscriptionIndex({ eventTypes });
  const naive: NaiveEndpoint[] = [];
  for (const endpoint of endpoints) {
    index.add(endpoint.id, { events: endpoint.events, partnerIds: endpoint.partnerIds });
    naive.push({
      id: endpoint.id,
      patterns: endpoint.events.map((p) => parseSubscriptionPattern(p, { eventTypes })),
      partnerIds: endpoint.partnerIds,
    });
  }
  return { index, naive };
}

type Query = readonly [eventType: string, partnerUuid: string | null];

/** Fails the run if the two matchers disagree, so the comparison measures equal work. */
function check(built: ReturnType<typeof build>, queries: readonly Query[]): number {
  let total = 0;
  for (const [type, partner] of queries) {
    const fast = built.index.match(type, partner).sort();
    const slow = naiveMatch(built.naive, type, partner).sort();
    if (fast.join() !== slow.join()) throw new Error(`index and naive scan disagree on ${type}`);
    total += fast.length;
  }
  return Math.round(total / queries.length);
}

/** Cycles through `queries`, one per call, so no single type or partner dominates. */
function rotating(name: string, queries: readonly Query[], run: (q: Query) => unknown): BenchCase {
  let next = 0;
  return {
    name,
    fn: () => run(queries[next++ % queries.length] as Query),
  };
}

/**
 * `count` endpoints with 3 distinct patterns each, drawn half from exact types and half from
 * segment wildcards of `eventTypes`; ~10% carry a filter of 1–3 partners out of 500.
 */
function randomEndpoints(count: number, eventTypes: readonly string[], seed: number): Endpoint[] {
  const random = seeded(seed);
  const segments = [...new Set(eventTypes.map((t) => t.slice(0, t.indexOf('.'))))];
  const endpoints: Endpoint[] = [];
  for (let i = 0; i < count; i++) {
    const events = new Set<string>();
    while (events.size < 3) {
      events.add(random() < 0.5 ? pick(random, eventTypes) : `${pick(random, segments)}.*`);
    }
    const partnerIds =
      random() < 0.1
        ? Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
            uuid(Math.floor(random() * 500)),
          )
        : null;
    endpoints.push({ id: `wh_${i}`, events: [...events], partnerIds });
  }
  return endpoints;
}

function randomQueries(eventTypes: readonly string[], seed: number): Query[] {
  const random = seeded(seed);
  return Array.from(
    { length: 64 },
    (): Query => [
      pick(random, eventTypes),
      random() < 0.1 ? null : uuid(Math.floor(random() * 500)),
    ],
  );
}

async function indexVersusNaive(title: string, eventTypes: readonly string[], seed: number) {
  const built = build(randomEndpoints(100_000, eventTypes, seed), eventTypes);
  const queries = randomQueries(eventTypes, seed + 1);
  // The naive scan is slow at this size: check a quarter of the queries.
  const matching = check(built, queries.slice(0, 16));
  return compare(
    `${title} (mean ${matching.toLocaleString('en-US')} matching endpoints per event)`,
    {
      baseline: rotating('naive scan, pre-parsed patterns', queries, ([t, p]) =>
        naiveMatch(built.naive, t, p),
      ),
      cases: [rotating('SubscriptionIndex.match', queries, ([t, p]) => built.index.match(t, p))],
      rounds: 5,
      timeMs: 200,
    },
  );
}

// A 1,000-type catalog (100 segments × 10 types): the same index, for an organization whose
// endpoints each want a small slice of the events.
// Frozen, so parseSubscriptionPattern compiles it once instead of on every call.
const LARGE_CATALOG: readonly string[] = Object.freeze(
  Array.from(
    { length: 1000 },
    (_, i) => `seg${String(Math.floor(i / 10)).padStart(3, '0')}.event_${i % 10}`,
  ),
);

/**
 * `size` endpoints of which exactly 50 match (`kyc.verification_completed`, partner Q): 20 exact,
 * 20 `kyc.*`, 10 partner-filtered to Q. The rest subscribe to other types and segments, or to the
 * same type for other partners (same buckets, other partner sets), so only the non-matching
 * population grows with `size`.
 */
function flatWorkload(size: number) {
  const random = seeded(size);
  const queried = 'kyc.verification_completed';
  const partner = uuid(9999);
  const others = EVENT_TYPES.filter((t) => t !== queried);
  const otherSegments = [
    'compliance',
    'export_file',
    'prospect',
    'self_service_invitation',
    'webhook',
  ];
  const endpoints: Endpoint[] = [];
  for (let i = 0; i < 50; i++) {
    const events = i < 20 ? [queried, pick(random, others)] : i < 40 ? ['kyc.*'] : [queried];
    endpoints.push({ id: `wh_m${i}`, events, partnerIds: i < 40 ? null : [partner, uuid(i)] });
  }
  for (let i = 50; i < size; i++) {
    if (random() < 0.2) {
      const events = random() < 0.5 ? ['kyc.*'] : [queried, 'compliance.*'];
      endpoints.push({ id: `wh_${i}`, events, partnerIds: [uuid(Math.floor(random() * 500))] });
    } else {
      const events = new Set<string>([`${pick(random, otherSegments)}.*`]);
      while (events.size < 3) events.add(pick(random, others));
      endpoints.push({ id: `wh_${i}`, events: [...events], partnerIds: null });
    }
  }
  const index = new SubscriptionIndex();
  for (const e of endpoints) index.add(e.id, { events: e.events, partnerIds: e.partnerIds });
  const result = index.match(queried, partner);
  if (result.length !== 50) throw new Error(`expected 50 matching endpoints, got ${result.length}`);
  return {
    name: `SubscriptionIndex.match, ${size.toLocaleString('en-US')} endpoints`,
    index,
    queried,
    partner,
  };
}

async function flatCost() {
  const [small, medium, large] = [1_000, 10_000, 100_000].map(flatWorkload) as [
    ReturnType<typeof flatWorkload>,
    ReturnType<typeof flatWorkload>,
    ReturnType<typeof flatWorkload>,
  ];
  const asCase = (w: typeof small): BenchCase => ({
    name: w.name,
    fn: () => w.index.match(w.queried, w.partner),
  });
  return compare('Per-match cost vs number of endpoints (50 matching endpoints at every size)', {
    baseline: asCase(small),
    cases: [asCase(medium), asCase(large)],
    rounds: 7,
    timeMs: 150,
    batch: 100,
  });
}

const suite: BenchSuite = async () => [
  await indexVersusNaive(
    'SubscriptionIndex vs naive scan: 100,000 endpoints × 3 patterns, Novatrade24 catalog (10 types)',
    EVENT_TYPES,
    1,
  ),
  await indexVersusNaive(
    'SubscriptionIndex vs naive scan: 100,000 endpoints × 3 patterns, 1,000-type catalog',
    LARGE_CATALOG,
    2,
  ),
  await flatCost(),
];

export default suite;
