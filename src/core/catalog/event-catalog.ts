/**
 * The event catalog as data (docs/design.md §5.7, docs/design.md §7, A-13, A-14): each event type with its schema
 * versions, each version a zod schema for `data` plus a converter to the previous version.
 * Senders negotiate an endpoint's version and convert data down with pure functions over it
 * ({@link negotiateSchemaVersion}, {@link convertEventData}).
 */

import type { z } from 'zod';
import { type ValidationIssue, WebhookValidationError } from '../errors.js';
import { integerIssueCode } from '../internal/integer-option.js';
import { typeIssueCode } from '../internal/type-issue-code.js';
import { quoteType, summarizeIssues } from './internal/schema-kit.js';

/**
 * Who an event concerns. `partner`: one trade partner, the envelope's `partnerUuid` is a string.
 * `organization`: the whole organization (the `webhook.*` meta-events), `partnerUuid` may be null
 * (docs/design.md §5.4).
 */
export type EventScope = 'partner' | 'organization';

/**
 * Converts a version's `data` to the previous version's shape. Pure: return a new object, do not
 * mutate the input.
 */
export type EventDataConverter = (data: Record<string, unknown>) => Record<string, unknown>;

/** One schema version of an event type, as given to {@link createEventCatalog}. */
export interface EventSchemaVersion {
  /** The version, an integer >= 1. */
  readonly version: number;
  /** Schema of `data` for lenient parsing (unknown enum values accepted). */
  readonly schema: z.ZodType<Record<string, unknown>>;
  /** Schema of `data` for strict parsing. @defaultValue `schema` */
  readonly strictSchema?: z.ZodType<Record<string, unknown>> | undefined;
  /**
   * Converts this version's `data` to version `version - 1`. Required on every version but the
   * type's oldest, so that any version can be reached by chaining.
   */
  readonly toPrevious?: EventDataConverter | undefined;
}

/** One event type, as given to {@link createEventCatalog}. */
export interface EventTypeDefinition {
  /** The type, `<segment>.<name>`, e.g. `compliance.status_changed`. */
  readonly type: string;
  /** Who the event concerns. @defaultValue `'partner'` */
  readonly scope?: EventScope | undefined;
  /** Its versions, ascending and contiguous (e.g. 1, 2, 3). */
  readonly versions: readonly EventSchemaVersion[];
}

/** One version of a type in an {@link EventCatalog}, with defaults filled in. */
export interface EventCatalogVersion {
  readonly version: number;
  readonly schema: z.ZodType<Record<string, unknown>>;
  readonly strictSchema: z.ZodType<Record<string, unknown>>;
  /** Converter to `version - 1`; undefined on the oldest version. */
  readonly toPrevious: EventDataConverter | undefined;
}

/** One type in an {@link EventCatalog}, validated, with defaults filled in. */
export interface EventCatalogEntry {
  readonly type: string;
  readonly scope: EventScope;
  /** Ascending and contiguous. */
  readonly versions: readonly EventCatalogVersion[];
  /** The oldest version the catalog can produce. */
  readonly oldestVersion: number;
  /** The newest version: what a sender stamps on a new event. */
  readonly latestVersion: number;
}

/**
 * The data map of a catalog without static types: any type name, any `data` object. The default
 * of {@link EventCatalog} and `WireProfile`; `WebhookSender<UntypedEventDataMap>` publishes any
 * type and object, checked at run time only.
 *
 * @example
 * ```ts
 * const type: string = config.eventType; // known only at run time
 * await (sender as WebhookSender<UntypedEventDataMap>).publish({ organizationUuid, type, data });
 * ```
 */
export type UntypedEventDataMap = { readonly [type: string]: Readonly<Record<string, unknown>> };

/**
 * A validated, frozen event catalog. Build one with {@link createEventCatalog}.
 *
 * @typeParam D - the catalog's static types: the `data` a producer passes for each event type,
 *   by type (`EventDataMap` for {@link NOVATRADE_CATALOG}; inferred by `createEventCatalog`).
 *   The default, {@link UntypedEventDataMap}, is a catalog without static types. A sender given
 *   the catalog types `publish` and `testEndpoint` with it (docs/design.md §5.24).
 */
export interface EventCatalog<D = UntypedEventDataMap> {
  /** The types, in definition order. */
  readonly types: readonly string[];
  /** Each type's entry. */
  readonly entries: ReadonlyMap<string, EventCatalogEntry>;
  /**
   * Type-only, never set at run time: carries `D`, so that `EventCatalog<D>` keeps its data
   * types where it is passed (read them with {@link EventDataMapOf}).
   */
  readonly '~eventData'?: D;
}

/**
 * The static data types of a catalog or a wire profile: `EventDataMap` for `NOVATRADE_CATALOG`
 * and `NOVATRADE_PROFILE`, `EudrEventDataMap` for `EUDR_PROFILE`, the inferred map of a
 * `createEventCatalog` result, {@link UntypedEventDataMap} for one without static types.
 *
 * @example
 * ```ts
 * const orders = createEventCatalog([{ type: 'order.shipped', versions: [
 *   { version: 1, schema: z.looseObject({ orderId: z.string() }) }] }]);
 * type OrderEvents = EventDataMapOf<typeof orders>; // { 'order.shipped': { orderId: string, … } }
 * let sender: WebhookSender<OrderEvents>;
 * ```
 */
export type EventDataMapOf<C> = C extends { readonly '~eventData'?: infer D }
  ? unknown extends D
    ? UntypedEventDataMap
    : D
  : UntypedEventDataMap;

/**
 * The event types of a data map `D` (see {@link EventCatalog}): its string keys; any string for
 * {@link UntypedEventDataMap}.
 *
 * @example
 * ```ts
 * type T = CatalogEventType<EventDataMap>; // 'compliance.status_changed' | … (the 10 types)
 * ```
 */
export type CatalogEventType<D> = Extract<keyof D, string>;

/** What a producer passes for data a schema validates: its input type (its output if untyped). */
type ProducedData<S> = S extends z.ZodType
  ? unknown extends z.input<S>
    ? z.output<S>
    : z.input<S>
  : never;

/** The schema of a type's latest version: the last of its versions (all of them if not a tuple). */
type LatestSchema<V> = V extends readonly [...unknown[], infer L]
  ? L extends { readonly schema: infer S }
    ? S
    : never
  : V extends readonly { readonly schema: infer S }[]
    ? S
    : never;

/**
 * The data map `createEventCatalog` infers from its definitions: each literal `type` with the
 * input type of its latest version's schema (what a sender stamps on a new event). Definitions
 * whose types are not literals (built with `.map` over a `string[]`) give
 * {@link UntypedEventDataMap}: no static types.
 *
 * @example
 * ```ts
 * type M = DefinitionsDataMap<[{ type: 'order.shipped'; versions: [
 *   { version: 1; schema: z.ZodObject<{ orderId: z.ZodString }> }] }]>; // { 'order.shipped': { orderId: string } }
 * ```
 */
export type DefinitionsDataMap<Defs extends readonly EventTypeDefinition[]> =
  string extends Defs[number]['type']
    ? UntypedEventDataMap
    : { [Def in Defs[number] as Def['type']]: ProducedData<LatestSchema<Def['versions']>> };

// `<segment>.<name>[.<more>]`: no empty segment, no wildcard, no whitespace (docs/design.md §5.5
// subscribes to `<segment>.*`, so every type needs a segment).
const TYPE_PATTERN = /^[^\s.*]+(\.[^\s.*]+)+$/;

/**
 * Validates event type definitions and returns a frozen catalog.
 *
 * Rules: types are unique and look like `<segment>.<name>`; each type has at least one version;
 * versions are integers >= 1, ascending and contiguous; every version but the oldest has
 * `toPrevious`. The oldest may be above 1 (a retired version 1).
 *
 * @param definitions - the event types with their versions.
 * @returns the catalog, typed with the input type of each literal type's latest schema (see
 *   {@link EventDataMapOf}), so a sender given it types `publish`; the built-in one is
 *   {@link NOVATRADE_CATALOG}.
 * @throws WebhookValidationError `invalid_option` listing every broken rule in `issues`.
 * @example
 * ```ts
 * const catalog = createEventCatalog([
 *   { type: 'order.shipped', versions: [
 *     { version: 1, schema: z.looseObject({ orderId: z.string() }) },
 *     { version: 2, schema: z.looseObject({ order: z.object({ id: z.string() }) }),
 *       toPrevious: ({ order, ...rest }) => ({ ...rest, orderId: (order as { id: string }).id }) },
 *   ] },
 * ]);
 * ```
 */
export function createEventCatalog<const Defs extends readonly EventTypeDefinition[]>(
  definitions: Defs,
): EventCatalog<DefinitionsDataMap<Defs>> {
  const issues: ValidationIssue[] = [];
  const entries = new Map<string, EventCatalogEntry>();

  if (!Array.isArray(definitions)) {
    throw new WebhookValidationError(
      'invalid_option',
      'createEventCatalog: expected an array of event type definitions.',
      {
        issues: [
          { path: 'definitions', code: typeIssueCode(definitions), message: 'expected an array' },
        ],
      },
    );
  }

  definitions.forEach((definition, index) => {
    const at = `definitions.${index}`;
    const type: unknown = definition?.type;
    if (typeof type !== 'string' || !TYPE_PATTERN.test(type)) {
      issues.push({
        path: `${at}.type`,
        code: typeof type === 'string' ? 'invalid_format' : typeIssueCode(type),
        message: 'expected "<segment>.<name>" without wildcards',
      });
      return;
    }
    if (entries.has(type)) {
      issues.push({
        path: `${at}.type`,
        code: 'invalid_value',
        message: `duplicate type ${quoteType(type)}`,
      });
      return;
    }
    const scope: unknown = definition.scope ?? 'partner';
    if (scope !== 'partner' && scope !== 'organization') {
      issues.push({
        path: `${at}.scope`,
        code: 'invalid_value',
        message: 'expected "partner" or "organization"',
      });
    }
    const versions: unknown = definition.versions;
    if (!Array.isArray(versions) || versions.length === 0) {
      issues.push({
        path: `${at}.versions`,
        code: Array.isArray(versions) ? 'too_small' : typeIssueCode(versions),
        message: 'expected at least one version',
      });
      return;
    }
    const resolved: EventCatalogVersion[] = [];
    (versions as readonly EventSchemaVersion[]).forEach((v, i) => {
      const vAt = `${at}.versions.${i}`;
      const given: unknown = v?.version;
      // The one integer rule: a safe integer >= 1 (2 ** 53 + 2 is an integer, but not a safe one:
      // the sender, the receiver and acceptedSchemaVersions refuse it).
      const versionProblem = given === undefined ? typeIssueCode(given) : integerIssueCode(given);
      if (versionProblem !== undefined) {
        issues.push({
          path: `${vAt}.version`,
          code: versionProblem,
          message: 'expected an integer >= 1',
        });
        return;
      }
      const version = given as number;
      const previous = resolved[resolved.length - 1];
      if (previous !== undefined && version !== previous.version + 1) {
        issues.push({
          path: `${vAt}.version`,
          code: 'invalid_value',
          message: `expected ${previous.version + 1}: versions must be ascending and contiguous`,
        });
      }
      if (!isZodSchema(v.schema)) {
        issues.push({
          path: `${vAt}.schema`,
          code: typeIssueCode(v.schema),
          message: 'expected a zod schema',
        });
      }
      if (v.strictSchema !== undefined && !isZodSchema(v.strictSchema)) {
        issues.push({
          path: `${vAt}.strictSchema`,
          code: 'invalid_type',
          message: 'expected a zod schema',
        });
      }
      if (i > 0 && typeof v.toPrevious !== 'function') {
        issues.push({
          path: `${vAt}.toPrevious`,
          code: typeIssueCode(v.toPrevious),
          message: `expected a converter to version ${version - 1}`,
        });
      }
      if (v.toPrevious !== undefined && typeof v.toPrevious !== 'function') {
        issues.push({
          path: `${vAt}.toPrevious`,
          code: 'invalid_type',
          message: 'expected a function',
        });
      }
      resolved.push(
        Object.freeze({
          version,
          schema: v.schema,
          strictSchema: v.strictSchema ?? v.schema,
          // The oldest version has nothing to convert to.
          toPrevious: i === 0 ? undefined : v.toPrevious,
        }),
      );
    });
    const oldest = resolved[0];
    const latest = resolved[resolved.length - 1];
    if (oldest === undefined || latest === undefined) return;
    entries.set(
      type,
      Object.freeze({
        type,
        scope: scope === 'organization' ? 'organization' : 'partner',
        versions: Object.freeze(resolved),
        oldestVersion: oldest.version,
        latestVersion: latest.version,
      }),
    );
  });

  if (issues.length > 0) {
    throw new WebhookValidationError(
      'invalid_option',
      `createEventCatalog: invalid definitions: ${summarizeIssues(issues)}.`,
      { issues },
    );
  }
  return Object.freeze({ types: Object.freeze([...entries.keys()]), entries });
}

/**
 * The catalog entry of `type`.
 *
 * @throws WebhookValidationError `unknown_event_type` when the catalog has no such type.
 */
export function getCatalogEntry(catalog: EventCatalog, type: string): EventCatalogEntry {
  const entry = catalog.entries.get(type);
  if (entry === undefined) {
    throw new WebhookValidationError(
      'unknown_event_type',
      `Event type ${quoteType(type)} is not in the catalog (known: ${catalog.types.join(', ')}).`,
      { issues: [{ path: 'type', code: 'invalid_value', message: 'unknown event type' }] },
    );
  }
  return entry;
}

function isZodSchema(value: unknown): value is z.ZodType {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { safeParse?: unknown }).safeParse === 'function'
  );
}
