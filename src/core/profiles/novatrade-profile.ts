import type { EventDataMap } from '../catalog/event-data.js';
import { EVENT_TYPES } from '../catalog/event-types.js';
import { NOVATRADE_HEALTH_POLICY } from '../retry/health-policy.js';
import { NOVATRADE_RETRY_POLICY } from '../retry/retry-policy.js';
import { buildNovatradeSignatureHeader } from '../signature/build-novatrade-signature-header.js';
import { VERSION } from '../version.js';
import { formatTimestamp } from './format-timestamp.js';
import type { OutboundEvent, SigningContext, WireProfile } from './wire-profile.js';

/** Header names of a Novatrade24 delivery (the Novatrade24 "Delivery request format", docs/design.md §6.15; docs/design.md §4). */
export const NOVATRADE_HEADERS = Object.freeze({
  signature: 'X-Novatrade-Signature',
  eventId: 'X-Novatrade-Event-Id',
  eventType: 'X-Novatrade-Event-Type',
  schemaVersion: 'X-Novatrade-Schema-Version',
  deliveryId: 'X-Novatrade-Delivery-Id',
  endpointId: 'X-Novatrade-Endpoint-Id',
});

/**
 * The Novatrade24 wire profile (docs/design.md §4):
 *
 * - body: the envelope `{id, type, schemaVersion, source, createdAt, organizationUuid, partnerUuid,
 *   data}` as compact JSON, in that field order;
 * - headers: `Content-Type: application/json`, `X-Novatrade-Signature: t=<unix s>,v1=<hex>` (one
 *   `v1` per live secret), `X-Novatrade-Event-Id`, `X-Novatrade-Event-Type`,
 *   `X-Novatrade-Schema-Version`, `X-Novatrade-Delivery-Id`, `X-Novatrade-Endpoint-Id`,
 *   `User-Agent: novatrade24-webhooks/<version>`;
 * - retries: {@link NOVATRADE_RETRY_POLICY}; health: {@link NOVATRADE_HEALTH_POLICY}; timeout 10 s.
 *
 * @example
 * ```ts
 * const body = NOVATRADE_PROFILE.serializeBody(event);
 * const headers = NOVATRADE_PROFILE.buildHeaders(body, {
 *   event, endpointId, deliveryId, secrets: [secret], nowMs: Date.now(), hmac: nodeHmacSha256Hex,
 * });
 * ```
 */
export const NOVATRADE_PROFILE: WireProfile<EventDataMap> = Object.freeze({
  name: 'novatrade',
  eventTypes: EVENT_TYPES,
  retryPolicy: NOVATRADE_RETRY_POLICY,
  healthPolicy: NOVATRADE_HEALTH_POLICY,
  timeoutMs: 10_000,
  serializeBody(event: OutboundEvent): string {
    // Field order as documented (docs/design.md §6.6); JSON.stringify keeps insertion order.
    return JSON.stringify({
      id: event.id,
      type: event.type,
      schemaVersion: event.schemaVersion,
      source: event.source,
      createdAt: formatTimestamp(event.createdAtMs, 'seconds-when-whole'),
      organizationUuid: event.organizationUuid,
      partnerUuid: event.partnerUuid,
      data: event.data,
    });
  },
  buildHeaders(body: string, context: SigningContext): Record<string, string> {
    const { event } = context;
    return {
      'Content-Type': 'application/json',
      [NOVATRADE_HEADERS.signature]: buildNovatradeSignatureHeader(body, {
        secret: context.secrets,
        timestampSeconds: Math.floor(context.nowMs / 1000),
        hmac: context.hmac,
      }),
      [NOVATRADE_HEADERS.eventId]: event.id,
      [NOVATRADE_HEADERS.eventType]: event.type,
      [NOVATRADE_HEADERS.schemaVersion]: String(event.schemaVersion),
      [NOVATRADE_HEADERS.deliveryId]: context.deliveryId,
      [NOVATRADE_HEADERS.endpointId]: context.endpointId,
      'User-Agent': `novatrade24-webhooks/${VERSION}`,
    };
  },
});
