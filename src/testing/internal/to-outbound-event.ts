import { isRecord } from '../../core/catalog/internal/schema-kit.js';
import {
  type ValidationIssue,
  type ValidationIssueCode,
  WebhookValidationError,
} from '../../core/errors.js';
import { integerIssueCode } from '../../core/internal/integer-option.js';
import { typeIssueCode } from '../../core/internal/type-issue-code.js';
import type { OutboundEvent } from '../../core/profiles/wire-profile.js';
import { parseIsoTimestampMs } from '../../core/signature/internal/parse-iso-timestamp.js';
import { isHeaderValue } from './header-syntax.js';

const FN = 'createSignedRequest';

/** Adds the issue at `path` unless `ok`; `code` is read only for a failure. */
function check(
  issues: ValidationIssue[],
  ok: boolean,
  path: string,
  code: (() => ValidationIssueCode) | ValidationIssueCode,
  message: string,
): void {
  if (!ok) issues.push({ path, code: typeof code === 'function' ? code() : code, message });
}

function isHeaderText(value: unknown): value is string {
  return isHeaderValue(value) && value.length > 0;
}

/** A non-empty header-safe string: `too_small` when empty, `invalid_format` for other text. */
function checkHeaderText(issues: ValidationIssue[], value: unknown, path: string): void {
  check(
    issues,
    isHeaderText(value),
    path,
    () =>
      typeof value !== 'string'
        ? typeIssueCode(value)
        : value === ''
          ? 'too_small'
          : 'invalid_format',
    'expected a non-empty header-safe string',
  );
}

function checkString(issues: ValidationIssue[], value: unknown, path: string): void {
  check(issues, typeof value === 'string', path, () => typeIssueCode(value), 'expected a string');
}

function checkData(issues: ValidationIssue[], value: unknown): void {
  check(issues, isRecord(value), 'data', () => typeIssueCode(value), 'expected an object');
}

function timeMs(issues: ValidationIssue[], value: unknown, path: string): number {
  const ms = typeof value === 'string' ? parseIsoTimestampMs(value) : null;
  check(
    issues,
    ms !== null,
    path,
    () => (typeof value === 'string' ? 'invalid_format' : typeIssueCode(value)),
    'expected an RFC 3339 instant with an offset, e.g. 2026-04-22T10:30:00Z',
  );
  return ms ?? 0;
}

function fail(kind: string, issues: readonly ValidationIssue[]): never {
  throw new WebhookValidationError(
    'invalid_event',
    `${FN}: expected ${kind}; invalid: ${issues.map((i) => i.path).join(', ')}. ` +
      'Pass a raw string or Uint8Array body to send bytes that are not an event.',
    { issues },
  );
}

/**
 * The {@link OutboundEvent} a sender would hold for `event`, for a wire profile to serialize:
 *
 * - a Novatrade24 envelope `{id, type, schemaVersion, source, createdAt, organizationUuid,
 *   partnerUuid, data}` maps field by field, `createdAt` parsed to epoch ms (`novatrade` and
 *   `standard-webhooks`, which sends the same envelope);
 * - with `eudr`, an EUDR envelope `{event, timestamp, integrationId, data}` maps `event` to
 *   `type`, `timestamp` to `createdAtMs` and `integrationId` to `organizationUuid`: the inverse of
 *   `EUDR_PROFILE.serializeBody`. The fields that profile ignores get fixed values.
 *
 * Only what serialization and headers need is checked: `data` is any object and `type` any
 * string, so tests can sign unknown types and invalid payloads on purpose.
 *
 * @throws WebhookValidationError `invalid_event` listing every bad field.
 */
export function toOutboundEvent(
  event: Record<string, unknown>,
  profile: 'novatrade' | 'eudr' | 'standard-webhooks',
): OutboundEvent {
  const issues: ValidationIssue[] = [];
  if (!('type' in event) && 'event' in event) {
    if (profile !== 'eudr') {
      const message = "expected a Novatrade24 event, got an EUDR event: pass profile: 'eudr'";
      throw new WebhookValidationError('invalid_event', `${FN}: ${message}.`, {
        issues: [{ path: 'type', code: 'required', message }],
      });
    }
    checkHeaderText(issues, event.event, 'event');
    const createdAtMs = timeMs(issues, event.timestamp, 'timestamp');
    checkString(issues, event.integrationId, 'integrationId');
    checkData(issues, event.data);
    if (issues.length > 0) fail('an EUDR event {event, timestamp, integrationId, data}', issues);
    return {
      id: '',
      type: event.event as string,
      schemaVersion: 1,
      source: 'SYSTEM',
      createdAtMs,
      organizationUuid: event.integrationId as string,
      partnerUuid: null,
      data: event.data as Record<string, unknown>,
    };
  }
  checkHeaderText(issues, event.id, 'id');
  checkHeaderText(issues, event.type, 'type');
  const version = event.schemaVersion;
  // The one integer rule (a safe integer >= 1); `required` when absent.
  const versionProblem = version === undefined ? typeIssueCode(version) : integerIssueCode(version);
  if (versionProblem !== undefined) {
    issues.push({
      path: 'schemaVersion',
      code: versionProblem,
      message: 'expected an integer >= 1',
    });
  }
  checkString(issues, event.source, 'source');
  const createdAtMs = timeMs(issues, event.createdAt, 'createdAt');
  checkString(issues, event.organizationUuid, 'organizationUuid');
  check(
    issues,
    typeof event.partnerUuid === 'string' || event.partnerUuid === null,
    'partnerUuid',
    () => typeIssueCode(event.partnerUuid),
    'expected a string or null',
  );
  checkData(issues, event.data);
  if (issues.length > 0) fail('a Novatrade24 event envelope', issues);
  return {
    id: event.id as string,
    type: event.type as string,
    schemaVersion: version as number,
    source: event.source as string,
    createdAtMs,
    organizationUuid: event.organizationUuid as string,
    partnerUuid: event.partnerUuid as string | null,
    data: event.data as Record<string, unknown>,
  };
}
