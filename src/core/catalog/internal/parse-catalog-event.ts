// The Novatrade24 envelope parser over any catalog. Internal: the public functions in
// ../parse-event.ts bind it to NOVATRADE_CATALOG (whose static types they describe).

import { type ValidationIssue, WebhookValidationError } from '../../errors.js';
import { describeValue } from '../../internal/describe-value.js';
import { typeIssueCode } from '../../internal/type-issue-code.js';
import type { EventCatalog, EventCatalogVersion } from '../event-catalog.js';
import type { EventEnvelope } from '../event-envelope.js';
import { buildEventEnvelopeSchema } from './envelope-schemas.js';
import { isRecord, quoteType, summarizeIssues, toIssues, versionRange } from './schema-kit.js';

const LENIENT_ENVELOPE = buildEventEnvelopeSchema(false);
const STRICT_ENVELOPE = buildEventEnvelopeSchema(true);

/** A parse outcome that never throws. */
export type ParseOutcome<E> =
  | { readonly success: true; readonly data: E }
  | { readonly success: false; readonly error: WebhookValidationError };

/** The `invalid_event` error for `issues`, naming the function and (when known) the type. */
export function invalidEvent(
  fnName: string,
  what: string,
  issues: readonly ValidationIssue[],
): WebhookValidationError {
  return new WebhookValidationError(
    'invalid_event',
    `${fnName}: invalid ${what}: ${summarizeIssues(issues)}.`,
    { issues },
  );
}

/** The `invalid_event` error for an input that is not an object at all. */
export function notAnObject(fnName: string, input: unknown): WebhookValidationError {
  const got = describeValue(input);
  return new WebhookValidationError(
    'invalid_event',
    `${fnName}: expected an event object; got ${got}. Pass the parsed JSON body.`,
    {
      issues: [
        {
          path: '',
          code: typeIssueCode(input),
          message: `Invalid input: expected object, received ${got}`,
        },
      ],
    },
  );
}

/**
 * Parses a Novatrade24 envelope against `catalog` (docs/design.md §5.7, docs/design.md §6.1):
 * - the envelope must be valid, in both modes;
 * - a type outside the catalog: lenient → a generic event, strict → `unknown_event_type`;
 * - a catalog type at a version the catalog lacks: lenient → a generic event (its data shape is
 *   unknown to us), strict → `unsupported_schema_version`;
 * - otherwise `data` must match that version's schema (strict: only known enum values), and a
 *   partner-scoped type needs a string `partnerUuid`.
 * The result is a new object; unknown fields are kept (zod drops an own `__proto__` key).
 * Messages name fields and their shapes, never a value from the body: an unknown `type` is
 * described by its length, an unknown `schemaVersion` by the versions the catalog knows.
 */
export function safeParseCatalogEvent(
  catalog: EventCatalog,
  input: unknown,
  strict: boolean,
  fnName: string,
): ParseOutcome<EventEnvelope> {
  if (!isRecord(input)) return { success: false, error: notAnObject(fnName, input) };

  const envelope = (strict ? STRICT_ENVELOPE : LENIENT_ENVELOPE).safeParse(input);
  const issues: ValidationIssue[] = envelope.success ? [] : toIssues(envelope.error, input);
  const type = input.type;
  const entry = typeof type === 'string' ? catalog.entries.get(type) : undefined;

  if (entry === undefined) {
    if (!envelope.success) return { success: false, error: invalidEvent(fnName, 'event', issues) };
    if (strict) {
      return {
        success: false,
        error: new WebhookValidationError(
          'unknown_event_type',
          `${fnName}: \`type\` is ${describeValue(envelope.data.type)} that is not in the ` +
            'catalog (strict mode). Parse without `strict` to receive unknown types as unknown ' +
            'events.',
          { issues: [{ path: 'type', code: 'invalid_value', message: 'unknown event type' }] },
        ),
      };
    }
    return { success: true, data: envelope.data };
  }

  // Built only on a failure path: quoting is not free, and most events are valid. It quotes the
  // catalog's own name for the type; no message quotes a value from the body (docs/security.md).
  const what = (): string => `${quoteType(entry.type)} event`;
  const version: EventCatalogVersion | undefined = entry.versions.find(
    (v) => v.version === input.schemaVersion,
  );
  if (version === undefined) {
    if (!envelope.success) return { success: false, error: invalidEvent(fnName, what(), issues) };
    if (strict) {
      return {
        success: false,
        error: new WebhookValidationError(
          'unsupported_schema_version',
          `${fnName}: the ${what()} has a \`schemaVersion\` this catalog does not know ` +
            `(it knows ${versionRange(entry)}; strict mode). Register the endpoint with ` +
            'acceptedSchemaVersions your code knows, or parse without `strict`.',
          {
            issues: [
              {
                path: 'schemaVersion',
                code: 'invalid_value',
                message: 'unsupported schema version',
              },
            ],
          },
        ),
      };
    }
    return { success: true, data: envelope.data };
  }

  if (entry.scope === 'partner' && input.partnerUuid === null) {
    issues.push({
      path: 'partnerUuid',
      code: 'invalid_type',
      message: 'Invalid input: expected string, received null (null only on organization events)',
    });
  }
  // A non-object `data` is already reported by the envelope; do not report it twice.
  const data = isRecord(input.data)
    ? (strict ? version.strictSchema : version.schema).safeParse(input.data)
    : undefined;
  if (data !== undefined && !data.success)
    issues.push(...toIssues(data.error, input.data, ['data']));

  if (!envelope.success || data === undefined || !data.success || issues.length > 0) {
    return { success: false, error: invalidEvent(fnName, what(), issues) };
  }
  return { success: true, data: { ...envelope.data, data: data.data } };
}

/** Unwraps an outcome: the event, or throws its error. */
export function unwrap<E>(outcome: ParseOutcome<E>): E {
  if (outcome.success) return outcome.data;
  throw outcome.error;
}
