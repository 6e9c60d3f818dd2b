import { WebhookValidationError } from '../errors.js';
import { type EventCatalog, getCatalogEntry } from './event-catalog.js';
import { quoteType, versionRange } from './internal/schema-kit.js';

/** Options of {@link negotiateSchemaVersion}. */
export interface NegotiateSchemaVersionOptions {
  /** The event type. */
  readonly type: string;
  /** The endpoint's `acceptedSchemaVersions` (docs/design.md §5.7; the spec's default is `[1]`). */
  readonly acceptedSchemaVersions: readonly number[];
  /**
   * The version the event was created at; the catalog can produce it and every older version.
   * @defaultValue the type's latest version
   */
  readonly fromVersion?: number | undefined;
}

/**
 * The schema version an endpoint receives for an event (docs/design.md §5.7, docs/design.md §7, A-13, A-14): the highest
 * version the endpoint accepts that the catalog can produce (from the type's oldest version up to
 * `fromVersion`), or `null` when there is none, which a sender records as a FAILED delivery with
 * `failureReason: SCHEMA_VERSION_UNSUPPORTED`. One version per endpoint: no dual emit.
 *
 * @param catalog - the catalog, e.g. {@link NOVATRADE_CATALOG}.
 * @param options - the type, the endpoint's accepted versions and optionally the event's version.
 * @returns the version to send, or null.
 * @throws WebhookValidationError `unknown_event_type` when the catalog has no such type;
 *   `unsupported_schema_version` when `fromVersion` is not one of the type's versions.
 * @example
 * ```ts
 * const version = negotiateSchemaVersion(NOVATRADE_CATALOG, {
 *   type: event.type,
 *   acceptedSchemaVersions: endpoint.acceptedSchemaVersions ?? [1],
 * });
 * if (version === null) markFailed('SCHEMA_VERSION_UNSUPPORTED');
 * ```
 */
export function negotiateSchemaVersion(
  catalog: EventCatalog,
  options: NegotiateSchemaVersionOptions,
): number | null {
  const entry = getCatalogEntry(catalog, options.type);
  const highest = options.fromVersion ?? entry.latestVersion;
  if (!entry.versions.some((v) => v.version === highest)) {
    throw new WebhookValidationError(
      'unsupported_schema_version',
      `negotiateSchemaVersion: fromVersion ${String(highest)} is not a version of ` +
        `${quoteType(entry.type)} (${versionRange(entry)}).`,
      {
        issues: [
          { path: 'fromVersion', code: 'invalid_value', message: 'not a version of this type' },
        ],
      },
    );
  }
  let best: number | null = null;
  for (const accepted of options.acceptedSchemaVersions) {
    // Versions are contiguous, so "producible" is a range check; non-integers never match.
    if (
      Number.isInteger(accepted) &&
      accepted >= entry.oldestVersion &&
      accepted <= highest &&
      (best === null || accepted > best)
    ) {
      best = accepted;
    }
  }
  return best;
}
