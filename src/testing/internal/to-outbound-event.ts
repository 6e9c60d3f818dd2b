import { isRecord } from '../../core/catalog/internal/schema-kit.js';
import { type ValidationIssue, WebhookValidationError } from '../../core/errors.js';
import type { OutboundEvent } from '../../core/profiles/wire-profile.js';
import { parseIsoTimestampMs } from '../../core/signature/internal/parse-iso-timestamp.js';
import { isHeaderValue } from './header-syntax.js';

const FN = 'createSignedRequest';

function check(issues: ValidationIssue[], ok: boolean, path: string, message: string): void {
  if (!ok) issues.push({ path, message });
}

function isHeaderText(value: unknown): value is string {
  return isHeaderValue(value) && value.length > 0;
}

function timeMs(issues: ValidationIssue[], value: unknown, path: string): number {
  const ms = typeof value === 'string' ? parseIsoTimestampMs(value) : null;
  check(
    issues,
    ms !== null,
    path,
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
        issues: [{ path: 'type', message }],
      });
    }
    check(issues, isHeaderText(event.event), 'event', 'expected a non-empty header-safe string');
    const createdAtMs = timeMs(issues, event.timestamp, 'timestamp');
    check(issues, typeof event.integrationId === 'string', 'integrationId', 'expected a string');
    check(issues, isRecord(event.data), 'data', 'expected an object');
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
  check(issues, isHeaderText(event.id), 'id', 'expected a non-empty header-safe string');
  check(issues, isHeaderText(event.type), 'type', 'expected a non-empty header-safe string');
  const version = event.schemaVersion;
  check(
    issues,
    typeof version === 'number' && Number.isSafeInteger(version) && version >= 1,
    'schemaVersion',
    'expected an integer >= 1',
  );
  check(issues, typeof event.source === 'string', 'source', 'expected a string');
  const createdAtMs = timeMs(issues, event.createdAt, 'createdAt');
  check(
    issues,
    typeof event.organizationUuid === 'string',
    'organizationUuid',
    'expected a string',
  );
  check(
    issues,
    typeof event.partnerUuid === 'string' || event.partnerUuid === null,
    'partnerUuid',
    'expected a string or null',
  );
  check(issues, isRecord(event.data), 'data', 'expected an object');
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
