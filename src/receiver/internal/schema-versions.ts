import { WebhookValidationError } from '../../core/errors.js';
import { describeValue } from '../../core/internal/describe-value.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import { positiveIntegerListProblem } from '../../core/internal/positive-integer-list.js';

// Checked sets of frozen arrays: a receiver passes its (frozen) list on every request, so it is
// validated once, not per request. A frozen array cannot change, so its entry cannot go stale.
const checkedFrozen = new WeakMap<object, ReadonlySet<number>>();

/**
 * Validates `acceptedSchemaVersions`: a non-empty array of positive integers, or absent.
 *
 * @throws WebhookValidationError `invalid_option` naming `acceptedSchemaVersions`.
 */
export function readAcceptedSchemaVersions(
  value: unknown,
  fnName: string,
): ReadonlySet<number> | undefined {
  if (value === undefined) return undefined;
  const cached = typeof value === 'object' && value !== null ? checkedFrozen.get(value) : undefined;
  if (cached !== undefined) return cached;
  const problem = positiveIntegerListProblem(value);
  if (problem !== undefined) {
    throw invalidOption(
      'acceptedSchemaVersions',
      `${fnName}: \`acceptedSchemaVersions\` must be a non-empty array of positive integers such ` +
        `as [1], got ${describeValue(value)}.`,
      problem,
    );
  }
  const versions = value as readonly number[];
  const set = new Set(versions);
  if (Object.isFrozen(versions)) checkedFrozen.set(versions, set);
  return set;
}

/**
 * Throws `unsupported_schema_version` when the event's `schemaVersion` is not accepted
 * (docs/design.md §5.7: the sender delivers the highest version the endpoint accepts, so a version
 * outside the receiver's list means the endpoint's registration and the receiver disagree).
 * The message lists the receiver's own versions, never the event's (docs/security.md).
 */
export function assertSchemaVersion(
  schemaVersion: number,
  accepted: ReadonlySet<number> | undefined,
  fnName: string,
): void {
  if (accepted === undefined || accepted.has(schemaVersion)) return;
  const list = [...accepted].join(', ');
  throw new WebhookValidationError(
    'unsupported_schema_version',
    `${fnName}: the event's \`schemaVersion\` is not one this receiver accepts (accepted: ` +
      `${list}). Register the endpoint with acceptedSchemaVersions [${list}] so the sender ` +
      "converts the event, or add the event's version here once your handlers support it.",
    { issues: [{ path: 'schemaVersion', code: 'invalid_value', message: `not one of [${list}]` }] },
  );
}
