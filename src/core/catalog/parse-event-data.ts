import { WebhookValidationError } from '../errors.js';
import { type EventCatalog, getCatalogEntry } from './event-catalog.js';
import { invalidEvent } from './internal/parse-catalog-event.js';
import { quoteType, toIssues, versionRange } from './internal/schema-kit.js';

/** Options of {@link parseEventData}. */
export interface ParseEventDataOptions {
  /** The event type; must be in the catalog. */
  readonly type: string;
  /** The schema version `data` claims to be at; must be one of the type's versions. */
  readonly schemaVersion: number;
  /** The payload to check. */
  readonly data: unknown;
  /**
   * Reject unknown enum values (`invalid_event`). Unknown fields are kept in both modes.
   * @defaultValue false
   */
  readonly strict?: boolean | undefined;
}

/**
 * Validates an event's `data` against a catalog version, for producers: a sender checking what it
 * is about to publish, or a catalog with custom types. Unlike {@link parseEvent} there is no
 * lenient fallback for an unknown type or version: a producer must use a catalog type.
 *
 * @param catalog - the catalog, e.g. {@link NOVATRADE_CATALOG}.
 * @param options - the type, the version, the data and `strict`.
 * @returns the parsed data (a new object; unknown fields kept).
 * @throws WebhookValidationError `unknown_event_type` when the catalog has no such type;
 *   `unsupported_schema_version` when the type has no such version; `invalid_event` with
 *   `data.…` issue paths when the data does not match.
 * @example
 * ```ts
 * const data = parseEventData(NOVATRADE_CATALOG, {
 *   type: 'compliance.decision_made', schemaVersion: 1,
 *   data: { orderUuid: order.uuid, decision: 'VALID_EXPORT' },
 * });
 * ```
 */
export function parseEventData(
  catalog: EventCatalog,
  options: ParseEventDataOptions,
): Record<string, unknown> {
  const entry = getCatalogEntry(catalog, options.type);
  const version = entry.versions.find((v) => v.version === options.schemaVersion);
  if (version === undefined) {
    throw new WebhookValidationError(
      'unsupported_schema_version',
      `parseEventData: ${quoteType(entry.type)} has no schema version ` +
        `${String(options.schemaVersion)} (the catalog has ${versionRange(entry)}).`,
      {
        issues: [
          { path: 'schemaVersion', code: 'invalid_value', message: 'unsupported schema version' },
        ],
      },
    );
  }
  const result = (options.strict === true ? version.strictSchema : version.schema).safeParse(
    options.data,
  );
  if (!result.success) {
    throw invalidEvent(
      'parseEventData',
      `${quoteType(entry.type)} data`,
      toIssues(result.error, options.data, ['data']),
    );
  }
  return result.data;
}
