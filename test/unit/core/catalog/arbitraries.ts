// fast-check arbitraries of valid events, built from the catalog's zod schemas: each data field is
// probed for what it accepts (optional? nullable? string, date-time, count, enum?) and generated
// accordingly, with random extra fields at envelope and data level.

import fc from 'fast-check';
import type { z } from 'zod';
import {
  AUTO_PAUSE_REASONS,
  COMPLIANCE_DECISIONS,
  COMPLIANCE_STATUSES,
  DDS_STATUSES,
  DELIVERY_FAILURE_REASONS,
  EUDR_ENTITY_TYPES,
  EUDR_EVENT_DATA_SCHEMAS,
  EUDR_EVENT_TYPES,
  type EudrEventType,
  EVENT_DATA_SCHEMAS,
  EVENT_SOURCES,
  EVENT_TYPES,
  type EventType,
  INVITATION_KINDS,
  META_EVENT_TYPES,
  PROSPECT_TYPES,
  VERIFICATION_OUTCOMES,
  VIES_RESULTS,
} from '../../../../src/core/catalog/index.js';

/** Enum fields of the Novatrade24 payloads, by field name. */
export const NOVATRADE_ENUM_FIELDS: Readonly<Record<string, readonly string[]>> = {
  previousStatus: COMPLIANCE_STATUSES,
  currentStatus: COMPLIANCE_STATUSES,
  decision: COMPLIANCE_DECISIONS,
  previousResult: VIES_RESULTS,
  currentResult: VIES_RESULTS,
  outcome: VERIFICATION_OUTCOMES,
  type: PROSPECT_TYPES,
  kind: INVITATION_KINDS,
  pauseReason: AUTO_PAUSE_REASONS,
  lastFailureReason: DELIVERY_FAILURE_REASONS,
  failureReason: DELIVERY_FAILURE_REASONS,
};

/** Enum fields of the EUDR payloads, by field name. */
export const EUDR_ENUM_FIELDS: Readonly<Record<string, readonly string[]>> = {
  entityType: EUDR_ENTITY_TYPES,
  previousStatus: DDS_STATUSES,
  newStatus: DDS_STATUSES,
};

/** Any string, lone surrogates included. */
export const anyString = fc.string({ unit: 'binary', maxLength: 40 });

/** An ISO 8601 date-time in one of the shapes the docs use (`Z`, milliseconds, an offset). */
export const isoDateTime = fc
  .tuple(
    fc.date({
      min: new Date('1970-01-01T00:00:00Z'),
      max: new Date('2100-01-01T00:00:00Z'),
      noInvalidDate: true,
    }),
    fc.constantFrom('millis', 'seconds', 'offset'),
  )
  .map(([date, shape]) => {
    const iso = date.toISOString();
    if (shape === 'millis') return iso;
    const seconds = iso.replace(/\.\d{3}Z$/, 'Z');
    return shape === 'seconds' ? seconds : seconds.replace('Z', '+02:00');
  });

/** Random extra fields whose names do not collide with `known` (nor `__proto__`, which zod drops). */
export function extraFields(known: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  const key = fc
    .string({ minLength: 1, maxLength: 12 })
    .filter((k) => !known.includes(k) && k !== '__proto__');
  return fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
}

function enumValue(values: readonly string[], openEnums: boolean): fc.Arbitrary<string> {
  const known = fc.constantFrom(...values);
  return openEnums ? fc.oneof(known, fc.string({ minLength: 1, maxLength: 12 })) : known;
}

const blocker = fc
  .record({ module: anyString, code: anyString, message: anyString }, { requiredKeys: [] })
  .chain((b) => extraFields(['module', 'code', 'message']).map((x) => ({ ...x, ...b })));

function fieldValue(
  key: string,
  schema: z.ZodType,
  enums: Readonly<Record<string, readonly string[]>>,
  openEnums: boolean,
): fc.Arbitrary<unknown> {
  const accepts = (value: unknown) => schema.safeParse(value).success;
  const values = enums[key];
  if (values !== undefined) return enumValue(values, openEnums);
  if (accepts('not a date')) return anyString;
  if (accepts('2026-04-22T10:30:00Z')) return isoDateTime;
  if (accepts([])) return fc.array(blocker, { maxLength: 3 });
  if (key === 'lastHttpStatus') return fc.integer({ min: 100, max: 599 });
  if (accepts(0)) return fc.nat({ max: 1_000_000 });
  if (accepts(1)) return fc.integer({ min: 1, max: 1_000_000 });
  throw new Error(`arbitraries: cannot generate field ${key}`);
}

/** Valid `data` for a loose zod object schema, with random extra fields. */
export function dataArbitrary(
  schema: z.ZodObject,
  enums: Readonly<Record<string, readonly string[]>>,
  openEnums: boolean,
): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  const required: string[] = [];
  for (const [key, field] of Object.entries(schema.shape) as [string, z.ZodType][]) {
    const value = fieldValue(key, field, enums, openEnums);
    model[key] = field.safeParse(null).success ? fc.oneof(value, fc.constant(null)) : value;
    if (!field.safeParse(undefined).success) required.push(key);
  }
  return fc
    .record(model, { requiredKeys: required })
    .chain((data) => extraFields(Object.keys(model)).map((extra) => ({ ...extra, ...data })));
}

/** The envelope's documented fields, in order (docs/design.md §6.6). */
export const ENVELOPE_KEYS = [
  'id',
  'type',
  'schemaVersion',
  'source',
  'createdAt',
  'organizationUuid',
  'partnerUuid',
  'data',
];

/** A valid Novatrade24 event of `type` (unknown enum values only when `openEnums`). */
export function eventArbitraryFor(
  type: EventType,
  openEnums: boolean,
): fc.Arbitrary<Record<string, unknown>> {
  const isMeta = (META_EVENT_TYPES as readonly string[]).includes(type);
  return fc
    .record({
      id: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
      type: fc.constant(type),
      schemaVersion: fc.constant(1),
      source: enumValue(EVENT_SOURCES, openEnums),
      createdAt: isoDateTime,
      organizationUuid: anyString,
      partnerUuid: isMeta ? fc.oneof(anyString, fc.constant(null)) : anyString,
      data: dataArbitrary(EVENT_DATA_SCHEMAS[type], NOVATRADE_ENUM_FIELDS, openEnums),
    })
    .chain((event) => extraFields(ENVELOPE_KEYS).map((extra) => ({ ...extra, ...event })));
}

/** A valid Novatrade24 event of any catalog type. */
export function eventArbitrary(openEnums: boolean): fc.Arbitrary<Record<string, unknown>> {
  return fc.constantFrom(...EVENT_TYPES).chain((type) => eventArbitraryFor(type, openEnums));
}

/** A valid EUDR event of `type`. */
export function eudrEventArbitraryFor(
  type: EudrEventType,
  openEnums: boolean,
): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record({
      event: fc.constant(type),
      timestamp: isoDateTime,
      integrationId: anyString,
      data: dataArbitrary(EUDR_EVENT_DATA_SCHEMAS[type], EUDR_ENUM_FIELDS, openEnums),
    })
    .chain((event) =>
      extraFields(['event', 'timestamp', 'integrationId', 'data']).map((extra) => ({
        ...extra,
        ...event,
      })),
    );
}

/** A valid EUDR event of any of the 14 types. */
export function eudrEventArbitrary(openEnums: boolean): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .constantFrom(...EUDR_EVENT_TYPES)
    .chain((type) => eudrEventArbitraryFor(type, openEnums));
}

/** `value` as it is after a trip over the wire (JSON text and back). */
export function overTheWire<V>(value: V): unknown {
  return JSON.parse(JSON.stringify(value));
}
