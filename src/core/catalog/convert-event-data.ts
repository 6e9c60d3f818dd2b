import { WebhookValidationError } from '../errors.js';
import { type EventCatalog, getCatalogEntry } from './event-catalog.js';
import { quoteType, versionRange } from './internal/schema-kit.js';

/** Options of {@link convertEventData}. */
export interface ConvertEventDataOptions {
  /** The event type. */
  readonly type: string;
  /** The event's `data` at `fromVersion`. */
  readonly data: Record<string, unknown>;
  /** The version `data` is at. */
  readonly fromVersion: number;
  /** The version wanted; at most `fromVersion` (data is only ever converted down). */
  readonly toVersion: number;
}

/**
 * Converts an event's `data` from one schema version down to an older one by chaining the
 * catalog's `toPrevious` converters (`3 → 2 → 1`; docs/design.md §5.7). Same version: `data` is
 * returned as is. The result is not re-validated; a catalog's converters are trusted code.
 *
 * @param catalog - the catalog, e.g. {@link NOVATRADE_CATALOG}.
 * @param options - the type, the data and the two versions.
 * @returns `data` at `toVersion`.
 * @throws WebhookValidationError `unknown_event_type` when the catalog has no such type;
 *   `unsupported_schema_version` when either version is not one of the type's versions or
 *   `toVersion` is above `fromVersion`.
 * @example
 * ```ts
 * const version = negotiateSchemaVersion(catalog, { type, acceptedSchemaVersions: [1, 2] });
 * const body = { ...event, schemaVersion: version,
 *   data: convertEventData(catalog, { type, data: event.data, fromVersion: event.schemaVersion, toVersion: version }) };
 * ```
 */
export function convertEventData(
  catalog: EventCatalog,
  options: ConvertEventDataOptions,
): Record<string, unknown> {
  const entry = getCatalogEntry(catalog, options.type);
  const { data, fromVersion, toVersion } = options;
  const index = (version: number) => entry.versions.findIndex((v) => v.version === version);
  const from = index(fromVersion);
  const to = index(toVersion);
  if (from < 0 || to < 0 || to > from) {
    const path = from < 0 ? 'fromVersion' : 'toVersion';
    throw new WebhookValidationError(
      'unsupported_schema_version',
      `convertEventData: cannot convert ${quoteType(entry.type)} data from version ` +
        `${String(fromVersion)} to ${String(toVersion)}; the catalog has versions ` +
        `${versionRange(entry)} and converts only downwards.`,
      { issues: [{ path, code: 'invalid_value', message: 'unsupported schema version' }] },
    );
  }
  let current = data;
  // Every version but the oldest has a converter (createEventCatalog checks it), and i > to >= 0.
  for (let i = from; i > to; i--) current = (entry.versions[i]?.toPrevious ?? identity)(current);
  return current;
}

function identity(data: Record<string, unknown>): Record<string, unknown> {
  return data;
}
