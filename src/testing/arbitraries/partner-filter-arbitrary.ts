import type { Arbitrary } from 'fast-check';
import {
  MAX_PARTNER_IDS,
  readIntegerOption,
  readOptions,
  readPartnerUuids,
} from '../internal/arbitrary-options.js';
import { loadFastCheck } from '../internal/load-fast-check.node.js';

/**
 * An endpoint's partner filter, its `partnerIds` (docs/design.md §6.3): `null` for every
 * partner, or the partner UUIDs whose events it wants. Organization-level events
 * (`partnerUuid: null`) reach an endpoint whatever its filter (docs/subscriptions.md).
 */
export type PartnerFilter = readonly string[] | null;

/** Options of {@link partnerFilterArbitrary}. */
export interface PartnerFilterArbitraryOptions {
  /**
   * The partner UUIDs a filter lists some of: pass the same list to
   * `eventArbitrary({ partnerUuids })` so that filters and events share partners (with random
   * UUIDs on both sides, an event's partner is almost never in a filter).
   * @default undefined (random UUIDs)
   */
  readonly partnerUuids?: readonly string[] | undefined;
  /**
   * The most partners in a list, from 1 to 1000 (the sender's limit).
   * @default 3
   */
  readonly maxLength?: number | undefined;
}

const OPTION_NAMES = ['partnerUuids', 'maxLength'] as const;

/**
 * A fast-check arbitrary of partner filters as an endpoint takes them: `null` (every partner)
 * about a third of the time, otherwise a non-empty list of distinct partner UUIDs. Never `[]`,
 * which the sender refuses (`SubscriptionIndex` alone would read it as "organization-level
 * events only"). Each value passes `SubscriptionIndex.add` and the sender's `createEndpoint`.
 * Shrinks towards `null`. fast-check is an optional peer, loaded here on first use
 * (docs/design.md §5.38).
 *
 * @param options - `partnerUuids` (the pool), `maxLength` (default 3).
 * @returns an `Arbitrary<PartnerFilter>`.
 * @throws WebhookValidationError `invalid_option` naming `partnerUuids[i]`, `maxLength` or an
 *   unknown option; `optional_dependency_missing` when fast-check is not installed.
 * @example
 * ```ts
 * const partnerUuids = ['11111111-2222-3333-4444-555555555555', '66666666-7777-8888-9999-000000000000'];
 * fc.assert(
 *   fc.property(partnerFilterArbitrary({ partnerUuids }), eventArbitrary({ partnerUuids }), (filter, event) => {
 *     const wanted = filter === null || event.partnerUuid === null || filter.includes(event.partnerUuid);
 *     expect(myPartnerGate(filter, event)).toBe(wanted);
 *   }),
 * );
 * ```
 */
export function partnerFilterArbitrary(
  options?: PartnerFilterArbitraryOptions,
): Arbitrary<PartnerFilter> {
  const owner = 'partnerFilterArbitrary';
  const read = readOptions(owner, options, OPTION_NAMES);
  const pool = readPartnerUuids(owner, read.partnerUuids);
  const maxLength = readIntegerOption(owner, 'maxLength', read.maxLength, 3, {
    min: 1,
    max: MAX_PARTNER_IDS,
  });
  const fc = loadFastCheck(owner);
  const list: Arbitrary<readonly string[]> =
    pool === undefined
      ? fc.uniqueArray(fc.uuid(), { minLength: 1, maxLength })
      : fc.shuffledSubarray([...pool], {
          minLength: 1,
          maxLength: Math.min(maxLength, pool.length),
        });
  return fc.option(list, { nil: null, freq: 3 });
}
