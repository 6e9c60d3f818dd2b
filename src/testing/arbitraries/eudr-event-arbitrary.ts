import type { Arbitrary } from 'fast-check';
import type { EudrWebhookEvent } from '../../core/catalog/eudr-webhook-event.js';
import { EUDR_EVENT_TYPES, type EudrEventType } from '../../core/catalog/event-types.js';
import { type ArbitraryKit, eudrEnvelopeTime } from '../internal/arbitrary-kit.js';
import { readBooleanOption, readOptions, readTypeList } from '../internal/arbitrary-options.js';
import { EUDR_DATA_ARBITRARIES } from '../internal/eudr-data-arbitraries.js';
import { loadFastCheck } from '../internal/load-fast-check.node.js';

/** Options of {@link eudrEventArbitrary}. */
export interface EudrEventArbitraryOptions<T extends EudrEventType = EudrEventType> {
  /**
   * The EUDR types to generate, each about equally often.
   * @default EUDR_EVENT_TYPES (all 14)
   */
  readonly types?: readonly T[] | undefined;
  /**
   * Also generate enum values this SDK does not know (`entityType`, DDS statuses): lenient
   * parsing accepts them, strict parsing refuses them.
   * @default false
   */
  readonly unknownEnumValues?: boolean | undefined;
  /**
   * Also generate fields the catalog does not define, in `data`. Every parser keeps them.
   * @default false
   */
  readonly unknownFields?: boolean | undefined;
}

const OPTION_NAMES = ['types', 'unknownEnumValues', 'unknownFields'] as const;

/**
 * A fast-check arbitrary of valid N'entropy EUDR events: `{ event, timestamp, integrationId,
 * data }` of every EUDR type, with `data` shaped field by field by the EUDR schemas (required
 * fields always, optional ones sometimes, `null` where allowed).
 *
 * Every value passes `parseEudrEvent(event, { strict: true })` (with `unknownEnumValues`, the
 * lenient parse) and comes back equal to itself. `timestamp` is printed as N'entropy prints it
 * (`2024-01-15T10:30:00.000Z`), so `createSignedRequest(event, { profile: 'eudr', … })` signs a
 * body that parses back to the same event. Values shrink towards the earliest time, the first
 * enum value and no optional fields. fast-check is an optional peer, loaded here on first use
 * (docs/design.md §5.38).
 *
 * @typeParam T - the generated types (inferred from `options.types`).
 * @param options - `types`, `unknownEnumValues`, `unknownFields`.
 * @returns an `Arbitrary<EudrWebhookEvent<T>>`, usable with any copy of fast-check 4.
 * @throws WebhookValidationError `invalid_option` naming `types[i]` or the option (an unknown one
 *   with the nearest known name); `optional_dependency_missing` when fast-check is not installed.
 * @example
 * ```ts
 * fc.assert(
 *   fc.property(eudrEventArbitrary({ types: ['sync.completed', 'sync.failed'] }), (event) => {
 *     expect(syncReport(event).entityType).toBe(event.data.entityType ?? 'UNKNOWN');
 *   }),
 * );
 * ```
 */
export function eudrEventArbitrary<const T extends EudrEventType = EudrEventType>(
  options?: EudrEventArbitraryOptions<T>,
): Arbitrary<EudrWebhookEvent<T>> {
  const owner = 'eudrEventArbitrary';
  const read = readOptions(owner, options, OPTION_NAMES);
  const types = readTypeList<EudrEventType>(owner, read.types, EUDR_EVENT_TYPES) as readonly T[];
  const kit: ArbitraryKit = {
    fc: loadFastCheck(owner),
    unknownEnumValues: readBooleanOption(owner, 'unknownEnumValues', read.unknownEnumValues, false),
    unknownFields: readBooleanOption(owner, 'unknownFields', read.unknownFields, false),
  };
  const { fc } = kit;
  const ofType = <U extends T>(type: U): Arbitrary<EudrWebhookEvent<U>> =>
    fc
      .record(
        {
          timestamp: eudrEnvelopeTime(kit),
          integrationId: fc.stringMatching(/^int_[a-z0-9]{6,16}$/),
          data: EUDR_DATA_ARBITRARIES[type](kit) as Arbitrary<unknown>,
        },
        { noNullPrototype: true },
      )
      // The documented field order (docs/design.md §6.10), as EUDR_PROFILE serializes it.
      .map(
        (fields) =>
          ({
            event: type,
            timestamp: fields.timestamp,
            integrationId: fields.integrationId,
            data: fields.data,
          }) as EudrWebhookEvent<U>,
      );
  const [first, ...rest] = types.map(ofType);
  return rest.length === 0
    ? (first as Arbitrary<EudrWebhookEvent<T>>)
    : fc.oneof(first as Arbitrary<EudrWebhookEvent<T>>, ...rest);
}
