// The event catalog as the subscription code sees it: the set of known types and the set of their
// first segments, compiled once so that parsing and matching are constant-time lookups.
// Internal: never re-exported (CONTRIBUTING.md, "Modules").

import { EUDR_EVENT_TYPES, EVENT_TYPES } from '../../catalog/event-types.js';
import { type ValidationIssue, WebhookValidationError } from '../../errors.js';
import { describeValue } from '../../internal/describe-value.js';
import { typeIssueCode } from '../../internal/type-issue-code.js';

/** A compiled catalog. Built by {@link compileCatalog}; immutable afterwards. */
export interface PatternCatalog {
  /** Every known event type. */
  readonly types: ReadonlySet<string>;
  /** The first segment of each known type, for O(1) segment lookups on the match path. */
  readonly segmentByType: ReadonlyMap<string, string>;
  /** Every first segment of a known type, in catalog order (the valid `<segment>.*` prefixes). */
  readonly segments: readonly string[];
  /** {@link segments} as a set. */
  readonly segmentSet: ReadonlySet<string>;
  /** First catalog type, quoted in messages as an example. */
  readonly exampleType: string;
}

/** Options shared by every public function that needs a catalog. */
export interface CatalogOptions {
  readonly eventTypes?: readonly string[];
}

// A catalog type is two or more non-empty dot-separated segments without "*" or whitespace, so
// that "<segment>.*" and exact patterns can never be confused with a type.
const EVENT_TYPE_SHAPE = /^[^\s.*]+(?:\.[^\s.*]+)+$/u;

/** Longest part of a rejected value quoted in a message, in UTF-16 code units. */
const MAX_QUOTED_LENGTH = 64;

/**
 * `value` JSON-quoted for an error message (control characters escaped), cut at
 * {@link MAX_QUOTED_LENGTH} code units without splitting a surrogate pair, with the full length.
 */
export function quoteForMessage(value: string): string {
  if (value.length <= MAX_QUOTED_LENGTH) return JSON.stringify(value);
  let cut = MAX_QUOTED_LENGTH;
  const last = value.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return `${JSON.stringify(value.slice(0, cut))}… (${value.length} characters)`;
}

/** The first segment of `eventType` when it has the `<segment>.<rest>` shape, else undefined. */
export function segmentOf(eventType: string): string | undefined {
  const dot = eventType.indexOf('.');
  return dot <= 0 || dot === eventType.length - 1 ? undefined : eventType.slice(0, dot);
}

/**
 * Compiles and validates a list of event types.
 *
 * @throws {WebhookValidationError} `invalid_option` when the list is empty or an entry is not a
 * dot-separated event type; each issue's path is `<optionName>[i]`.
 */
export function compileCatalog(eventTypes: unknown, optionName = 'eventTypes'): PatternCatalog {
  if (!Array.isArray(eventTypes) || eventTypes.length === 0) {
    const message = `${optionName} must be a non-empty array of event types, got ${
      Array.isArray(eventTypes) ? 'an empty array' : describeValue(eventTypes)
    }`;
    throw new WebhookValidationError('invalid_option', `${message}.`, {
      issues: [
        {
          path: optionName,
          code: Array.isArray(eventTypes) ? 'too_small' : typeIssueCode(eventTypes),
          message,
        },
      ],
    });
  }
  const issues: ValidationIssue[] = [];
  const types = new Set<string>();
  const segmentByType = new Map<string, string>();
  const segments: string[] = [];
  const segmentSet = new Set<string>();
  eventTypes.forEach((type: unknown, index) => {
    if (typeof type !== 'string' || !EVENT_TYPE_SHAPE.test(type)) {
      issues.push({
        path: `${optionName}[${index}]`,
        code: typeof type === 'string' ? 'invalid_format' : typeIssueCode(type),
        message: `expected an event type like "compliance.status_changed" (two or more dot-separated segments, no "*" or whitespace), got ${
          typeof type === 'string' ? quoteForMessage(type) : describeValue(type)
        }`,
      });
      return;
    }
    const segment = type.slice(0, type.indexOf('.'));
    types.add(type);
    segmentByType.set(type, segment);
    if (!segmentSet.has(segment)) {
      segmentSet.add(segment);
      segments.push(segment);
    }
  });
  if (issues.length > 0) {
    const first = issues[0] as ValidationIssue;
    throw new WebhookValidationError(
      'invalid_option',
      `${optionName} has ${issues.length} invalid ${issues.length === 1 ? 'entry' : 'entries'}, first ${first.path}: ${first.message}.`,
      { issues },
    );
  }
  return { types, segmentByType, segments, segmentSet, exampleType: eventTypes[0] as string };
}

/** The Novatrade24 catalog, compiled once at load. */
export const DEFAULT_CATALOG: PatternCatalog = compileCatalog(EVENT_TYPES);

let eudrCatalog: PatternCatalog | undefined;

// Compiled catalogs of frozen arrays: a frozen array cannot change, so its compiled form cannot go
// stale. A WeakMap, so a discarded catalog array is not kept alive.
const frozenCatalogs = new WeakMap<readonly string[], PatternCatalog>();

/**
 * The catalog named by `options.eventTypes`, or the default one. The two built-in lists and
 * frozen arrays are compiled once; any other array is compiled on every call, since the caller
 * may have changed it since the last one.
 */
export function resolveCatalog(options: CatalogOptions | undefined): PatternCatalog {
  const eventTypes = options?.eventTypes;
  if (eventTypes === undefined || eventTypes === EVENT_TYPES) return DEFAULT_CATALOG;
  if (eventTypes === EUDR_EVENT_TYPES) {
    eudrCatalog ??= compileCatalog(EUDR_EVENT_TYPES);
    return eudrCatalog;
  }
  if (!Array.isArray(eventTypes) || !Object.isFrozen(eventTypes)) return compileCatalog(eventTypes);
  let catalog = frozenCatalogs.get(eventTypes);
  if (catalog === undefined) {
    catalog = compileCatalog(eventTypes);
    frozenCatalogs.set(eventTypes, catalog);
  }
  return catalog;
}

/** Segments listed in the "what is accepted" sentence before it is shortened. */
const MAX_LISTED_SEGMENTS = 12;

/** The sentence that ends every pattern error: what a valid pattern looks like. */
export function describeAccepted(catalog: PatternCatalog): string {
  const listed = catalog.segments.slice(0, MAX_LISTED_SEGMENTS).map((s) => `${s}.*`);
  const more = catalog.segments.length - listed.length;
  return `Expected an event type of the catalog (e.g. ${JSON.stringify(catalog.exampleType)}) or a segment wildcard "<segment>.*" (${listed.join(', ')}${more > 0 ? ` and ${more} more` : ''}).`;
}
