import type { Arbitrary } from 'fast-check';
import type { EventType } from '../../core/catalog/event-types.js';
import { readIntegerOption, readOptions } from '../internal/arbitrary-options.js';
import { loadFastCheck } from '../internal/load-fast-check.node.js';
import { patternCandidates } from '../internal/pattern-candidates.js';
import type { SubscriptionPattern } from './subscription-pattern-arbitrary.js';

/** The most patterns an endpoint registers (the sender's and the management API's limit). */
const MAX_PATTERNS = 100;

/** Options of {@link subscriptionSetArbitrary}. */
export interface SubscriptionSetArbitraryOptions<T extends string = EventType> {
  /**
   * The catalog the patterns name (`EUDR_EVENT_TYPES` for the EUDR profile).
   * @default EVENT_TYPES (the 10 Novatrade24 types)
   */
  readonly eventTypes?: readonly T[] | undefined;
  /**
   * The fewest patterns in a set, from 1.
   * @default 1
   */
  readonly minLength?: number | undefined;
  /**
   * The most patterns in a set, at most the catalog's number of patterns (types plus segments)
   * and at most 100.
   * @default every pattern of the catalog (16 for Novatrade24), at most 100
   */
  readonly maxLength?: number | undefined;
}

const OPTION_NAMES = ['eventTypes', 'minLength', 'maxLength'] as const;

/**
 * A fast-check arbitrary of subscription sets: the `events` list of an endpoint as it registers
 * one, a non-empty list of valid patterns without repeats, in any order. Overlaps are included
 * (`kyc.*` with `kyc.verification_completed`), as the sender accepts them. Each set passes
 * `parseSubscriptionPatterns`, `SubscriptionIndex.add` and the sender's `createEndpoint`. Shrinks
 * towards fewer patterns and the catalog's first types. fast-check is an optional peer, loaded here on first use
 * (docs/design.md §5.38).
 *
 * @typeParam T - the catalog's types (inferred from `options.eventTypes`).
 * @param options - `eventTypes`, `minLength` (default 1), `maxLength`.
 * @returns an `Arbitrary<readonly SubscriptionPattern<T>[]>`.
 * @throws WebhookValidationError `invalid_option` naming `eventTypes[i]`, `minLength`,
 *   `maxLength` or an unknown option; `optional_dependency_missing` when fast-check is not
 *   installed.
 * @example
 * ```ts
 * fc.assert(
 *   fc.property(subscriptionSetArbitrary(), eventArbitrary(), (events, event) => {
 *     const index = new SubscriptionIndex();
 *     index.add('wh_1', { events });
 *     expect(myRoutes(events).has(event.type)).toBe(index.match(event.type, null).length === 1);
 *   }),
 * );
 * ```
 */
export function subscriptionSetArbitrary<const T extends string = EventType>(
  options?: SubscriptionSetArbitraryOptions<T>,
): Arbitrary<readonly SubscriptionPattern<T>[]> {
  const owner = 'subscriptionSetArbitrary';
  const read = readOptions(owner, options, OPTION_NAMES);
  const candidates = patternCandidates(read.eventTypes) as readonly SubscriptionPattern<T>[];
  const most = Math.min(candidates.length, MAX_PATTERNS);
  const maxLength = readIntegerOption(owner, 'maxLength', read.maxLength, most, {
    min: 1,
    max: most,
  });
  const minLength = readIntegerOption(owner, 'minLength', read.minLength, 1, {
    min: 1,
    max: maxLength,
  });
  const fc = loadFastCheck(owner);
  // Distinct draws from the catalog's patterns: a failing set shrinks by dropping patterns and by
  // moving the others towards the catalog's first types.
  return fc.uniqueArray(fc.constantFrom(...candidates), { minLength, maxLength });
}
