import type { EudrEventDataMap } from '../catalog/eudr-event-data.js';
import { EUDR_EVENT_TYPES } from '../catalog/event-types.js';
import { WebhookValidationError } from '../errors.js';
import { EUDR_HEALTH_POLICY } from '../retry/health-policy.js';
import { EUDR_RETRY_POLICY } from '../retry/retry-policy.js';
import { buildEudrSignature } from '../signature/build-eudr-signature.js';
import { formatTimestamp } from './format-timestamp.js';
import type { OutboundEvent, SigningContext, WireProfile } from './wire-profile.js';

/** Header names of an N'entropy EUDR delivery (docs/design.md §6.10). */
export const EUDR_HEADERS = Object.freeze({
  signature: 'X-Webhook-Signature',
  event: 'X-Webhook-Event',
  endpointId: 'X-Webhook-Id',
  timestamp: 'X-Webhook-Timestamp',
});

/**
 * The N'entropy EUDR wire profile (docs/design.md §4):
 *
 * - body: `{event, timestamp, integrationId, data}` — `timestamp` is the event's creation time
 *   with milliseconds (`2024-01-15T10:30:00.000Z`), `integrationId` the event's organization;
 * - headers: `Content-Type: application/json`, `X-Webhook-Signature: sha256=<hex HMAC-SHA256 of
 *   the raw body>` (inferred, docs/design.md §7, N-1), `X-Webhook-Event`, `X-Webhook-Id` (the ENDPOINT id, as
 *   documented), `X-Webhook-Timestamp` (the event's ISO time, docs/design.md §7, N-2), `User-Agent:
 *   EUDR-Platform-Webhook/1.0`;
 * - retries: {@link EUDR_RETRY_POLICY}; health: {@link EUDR_HEALTH_POLICY}; timeout 10 s.
 *
 * The header carries one signature, so during a secret rotation it is made with the newest
 * secret; a receiver verifying with both old and new secrets accepts it either way.
 */
export const EUDR_PROFILE: WireProfile<EudrEventDataMap> = Object.freeze({
  name: 'eudr',
  eventTypes: EUDR_EVENT_TYPES,
  retryPolicy: EUDR_RETRY_POLICY,
  healthPolicy: EUDR_HEALTH_POLICY,
  timeoutMs: 10_000,
  serializeBody(event: OutboundEvent): string {
    return JSON.stringify({
      event: event.type,
      timestamp: formatTimestamp(event.createdAtMs, 'millis'),
      integrationId: event.organizationUuid,
      data: event.data,
    });
  },
  buildHeaders(body: string, context: SigningContext): Record<string, string> {
    const secret = context.secrets[0];
    if (secret === undefined) {
      throw new WebhookValidationError(
        'invalid_secret',
        'Expected at least one signing secret; got none.',
      );
    }
    return {
      'Content-Type': 'application/json',
      [EUDR_HEADERS.signature]: buildEudrSignature(body, { secret, hmac: context.hmac }),
      [EUDR_HEADERS.event]: context.event.type,
      [EUDR_HEADERS.endpointId]: context.endpointId,
      [EUDR_HEADERS.timestamp]: formatTimestamp(context.event.createdAtMs, 'millis'),
      'User-Agent': 'EUDR-Platform-Webhook/1.0',
    };
  },
});
