import type { Arbitrary } from 'fast-check';
import type { EventType } from '../../core/catalog/event-types.js';
import type { HandlerPattern } from '../../receiver/handler-pattern.js';
import { readOptions } from '../internal/arbitrary-options.js';
import { loadFastCheck } from '../internal/load-fast-check.node.js';
import { patternCandidates } from '../internal/pattern-candidates.js';

/**
 * A subscription pattern of the catalog `T` as a string: one of its types, or `<segment>.*` for
 * the first segment of one of them (docs/design.md §5.5). The root wildcard `*` is never one.
 * The same strings `WebhookReceiver.on` and an endpoint's `events` take.
 *
 * @typeParam T - the catalog's event types (default: the 10 Novatrade24 types).
 */
export type SubscriptionPattern<T extends string = EventType> = HandlerPattern<T>;

/** Options of {@link subscriptionPatternArbitrary}. */
export interface SubscriptionPatternArbitraryOptions<T extends string = EventType> {
  /**
   * The catalog the patterns name, as for `parseSubscriptionPattern`: pass `EUDR_EVENT_TYPES`
   * for the EUDR profile, or your own list of dot-separated types.
   * @default EVENT_TYPES (the 10 Novatrade24 types)
   */
  readonly eventTypes?: readonly T[] | undefined;
}

const OPTION_NAMES = ['eventTypes'] as const;

/**
 * A fast-check arbitrary of valid subscription patterns: every exact type of the catalog and
 * every segment wildcard `<segment>.*`, about equally often, never the root `*`. Each one
 * `parseSubscriptionPattern` accepts (with the same `eventTypes`) and matches at least one
 * catalog type. Shrinks towards the catalog's first type. fast-check is an optional peer, loaded
 * here on first use (docs/design.md §5.38).
 *
 * @typeParam T - the catalog's types (inferred from `options.eventTypes`).
 * @param options - `eventTypes`, the catalog.
 * @returns an `Arbitrary<SubscriptionPattern<T>>`.
 * @throws WebhookValidationError `invalid_option` naming `eventTypes`, `eventTypes[i]` (not a
 *   dot-separated type) or an unknown option; `optional_dependency_missing` when fast-check is
 *   not installed.
 * @example
 * ```ts
 * fc.assert(
 *   fc.property(subscriptionPatternArbitrary(), eventArbitrary(), (pattern, event) => {
 *     expect(myRouter.accepts(pattern, event.type)).toBe(matchesSubscription(pattern, event.type));
 *   }),
 * );
 * ```
 */
export function subscriptionPatternArbitrary<const T extends string = EventType>(
  options?: SubscriptionPatternArbitraryOptions<T>,
): Arbitrary<SubscriptionPattern<T>> {
  const owner = 'subscriptionPatternArbitrary';
  const read = readOptions(owner, options, OPTION_NAMES);
  const candidates = patternCandidates(read.eventTypes) as readonly SubscriptionPattern<T>[];
  return loadFastCheck(owner).constantFrom(...candidates);
}
