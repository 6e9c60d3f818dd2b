import type { Arbitrary } from 'fast-check';
import { EVENT_SOURCES } from '../../core/catalog/enum-values.js';
import { EVENT_TYPES, type EventType, META_EVENT_TYPES } from '../../core/catalog/event-types.js';
import type { WebhookEvent } from '../../core/catalog/webhook-event.js';
import {
  type ArbitraryKit,
  enumValue,
  envelopeTime,
  mintedId,
  uuid,
} from '../internal/arbitrary-kit.js';
import {
  readBooleanOption,
  readOptions,
  readPartnerUuids,
  readTypeList,
} from '../internal/arbitrary-options.js';
import { loadFastCheck } from '../internal/load-fast-check.node.js';
import { NOVATRADE_DATA_ARBITRARIES } from '../internal/novatrade-data-arbitraries.js';

/** Options of {@link eventArbitrary}. */
export interface EventArbitraryOptions<T extends EventType = EventType> {
  /**
   * The catalog types to generate, each about equally often.
   * @default EVENT_TYPES (all 10, the `webhook.*` meta-events included)
   */
  readonly types?: readonly T[] | undefined;
  /**
   * The partner UUIDs `partnerUuid` is drawn from, so that events and partner filters
   * (`partnerFilterArbitrary({ partnerUuids })`) share partners. Without it every event has a
   * new random UUID. Meta-events carry `null` (usually) or one of them.
   * @default undefined (random UUIDs)
   */
  readonly partnerUuids?: readonly string[] | undefined;
  /**
   * Also generate enum values this SDK does not know (`source`, `currentStatus`, …), which
   * Novatrade24 may add at any time (docs/design.md §6.1): lenient parsing accepts them, strict
   * parsing and the sender's `publish` refuse them.
   * @default false
   */
  readonly unknownEnumValues?: boolean | undefined;
  /**
   * Also generate fields the catalog does not define, in `data` and its nested objects, which
   * clients must ignore (docs/design.md §6.1). Every parser keeps them.
   * @default false
   */
  readonly unknownFields?: boolean | undefined;
}

const OPTION_NAMES = ['types', 'partnerUuids', 'unknownEnumValues', 'unknownFields'] as const;

/** The schema version the data builders produce (a test keeps it equal to the catalog's latest). */
const SCHEMA_VERSION = 1;

/**
 * A fast-check arbitrary of valid Novatrade24 events: full envelopes (`id`, `type`,
 * `schemaVersion`, `source`, `createdAt`, `organizationUuid`, `partnerUuid`, `data`) of every
 * catalog type, meta-events included, with `data` shaped field by field by the catalog's schemas
 * (required fields always, optional fields sometimes, `null` where allowed, every enum value).
 *
 * Every value passes `parseEvent(event, { strict: true })` (with `unknownEnumValues`, the lenient
 * parse) and comes back equal to itself. Ids are minted like the sender's (`evt_` + 26 base32
 * characters), `createdAt` is printed as the sender prints it, so
 * `createSignedRequest(event, …)` signs a body that parses back to the same event. Values shrink
 * towards the simplest event: the all-zero id, the earliest time (2020-01-01), the first enum
 * value, no optional fields. fast-check is an optional peer, loaded here on first use
 * (docs/design.md §5.38).
 *
 * @typeParam T - the generated types (inferred from `options.types`).
 * @param options - `types`, `partnerUuids`, `unknownEnumValues`, `unknownFields`.
 * @returns an `Arbitrary<WebhookEvent<T>>`, usable with any copy of fast-check 4.
 * @throws WebhookValidationError `invalid_option` naming `types[i]`, `partnerUuids[i]` or the
 *   option (an unknown one with the nearest known name); `optional_dependency_missing` when
 *   fast-check is not installed.
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { eventArbitrary } from '@novatrade24/webhooks/testing';
 *
 * fc.assert(
 *   fc.property(eventArbitrary({ types: ['compliance.decision_made'] }), (event) => {
 *     expect(bookDecision(event)).toBe(event.data.decision === 'VALID_EXPORT' ? 'exempt' : 'vat');
 *   }),
 * );
 * ```
 */
export function eventArbitrary<const T extends EventType = EventType>(
  options?: EventArbitraryOptions<T>,
): Arbitrary<WebhookEvent<T>> {
  const owner = 'eventArbitrary';
  const read = readOptions(owner, options, OPTION_NAMES);
  const types = readTypeList<EventType>(owner, read.types, EVENT_TYPES) as readonly T[];
  const partnerUuids = readPartnerUuids(owner, read.partnerUuids);
  const kit: ArbitraryKit = {
    fc: loadFastCheck(owner),
    unknownEnumValues: readBooleanOption(owner, 'unknownEnumValues', read.unknownEnumValues, false),
    unknownFields: readBooleanOption(owner, 'unknownFields', read.unknownFields, false),
  };
  const { fc } = kit;
  const partner = partnerUuids === undefined ? uuid(kit) : fc.constantFrom(...partnerUuids);
  // Meta-events concern the organization (partnerUuid null, docs/design.md §5.4); a test fire of
  // one carries a partner.
  const metaPartner = fc.oneof(
    { arbitrary: fc.constant(null), weight: 3 },
    { arbitrary: partner, weight: 1 },
  );
  const ofType = <U extends T>(type: U): Arbitrary<WebhookEvent<U>> =>
    fc
      .record(
        {
          id: mintedId(kit, 'event'),
          source: enumValue(kit, EVENT_SOURCES),
          createdAt: envelopeTime(kit),
          organizationUuid: uuid(kit),
          partnerUuid: (META_EVENT_TYPES as readonly string[]).includes(type)
            ? metaPartner
            : partner,
          data: NOVATRADE_DATA_ARBITRARIES[type](kit) as Arbitrary<unknown>,
        },
        { noNullPrototype: true },
      )
      // The documented field order (docs/design.md §6.6), as the sender serializes it.
      .map(
        (fields) =>
          ({
            id: fields.id,
            type,
            schemaVersion: SCHEMA_VERSION,
            source: fields.source,
            createdAt: fields.createdAt,
            organizationUuid: fields.organizationUuid,
            partnerUuid: fields.partnerUuid,
            data: fields.data,
          }) as WebhookEvent<U>,
      );
  const [first, ...rest] = types.map(ofType);
  return rest.length === 0
    ? (first as Arbitrary<WebhookEvent<T>>)
    : fc.oneof(first as Arbitrary<WebhookEvent<T>>, ...rest);
}
