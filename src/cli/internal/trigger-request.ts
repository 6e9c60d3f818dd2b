// The request `trigger` sends: a sample event of a type of the profile's catalog (a fresh event id,
// created now), its `data` replaced by `--data` and checked strictly as `publish` checks it
// (docs/design.md §5.24), serialized and signed by the profile exactly as a delivery is
// (`buildDeliveryRequest`, docs/design.md §4). Loaded only when `trigger` runs: the catalog's
// schemas cost a few hundred milliseconds to load, which no other command should pay.
import { getCatalogEntry } from '../../core/catalog/event-catalog.js';
import type { EudrEventType, EventType } from '../../core/catalog/event-types.js';
import { parseEventData } from '../../core/catalog/parse-event-data.js';
import {
  createSampleEudrEvent,
  createSampleEvent,
  ZERO_UUID,
} from '../../core/catalog/sample-events.js';
import { isWebhooksError, type WebhookValidationError } from '../../core/errors.js';
import { createId } from '../../core/ids.js';
import { EUDR_PROFILE } from '../../core/profiles/eudr-profile.js';
import { NOVATRADE_PROFILE } from '../../core/profiles/novatrade-profile.js';
import { STANDARD_WEBHOOKS_PROFILE } from '../../core/profiles/standard-webhooks-profile.js';
import {
  buildDeliveryRequest,
  type DeliveryRequest,
  type OutboundEvent,
  type WireProfile,
} from '../../core/profiles/wire-profile.js';
import { webCryptoRandom } from '../../platform-random.js';
import { catalogForProfile } from '../../sender/internal/sender-catalog.js';
import { nodeHmacSha256Base64 } from '../../signature/node-hmac-sha256-base64.node.js';
import { nodeHmacSha256Hex } from '../../signature/node-hmac-sha256-hex.node.js';
import { usageError } from './cli-error.js';
import type { CliProfileName } from './cli-profiles.js';
import { nearestName } from './nearest-name.js';
import { asUsageErrors } from './signing-options.js';

/** The wire profile of each `--profile`. */
const WIRE_PROFILES: { readonly [N in CliProfileName]: WireProfile } = {
  novatrade: NOVATRADE_PROFILE as WireProfile,
  eudr: EUDR_PROFILE as WireProfile,
  'standard-webhooks': STANDARD_WEBHOOKS_PROFILE as WireProfile,
};

/** The endpoint id a triggered event carries: recognisably synthetic (docs/design.md §5.8). */
const SAMPLE_ENDPOINT_ID = `wh_${'0'.repeat(26)}`;

/** What `trigger` built: the event's facts and the request to send. */
export interface TriggerRequest {
  readonly event: OutboundEvent;
  readonly deliveryId: string;
  readonly request: DeliveryRequest;
}

/**
 * Builds the signed request of a sample `type` event with `data` (the sample's when absent),
 * checked strictly against the profile's catalog.
 *
 * @throws CliError `usage` for a type outside the profile's catalog (naming the nearest), data
 *   the catalog refuses (naming the field paths), a `--partner` on an EUDR event, or a
 *   refused secret.
 * @example
 * ```ts
 * const { request } = buildTriggerRequest('compliance.decision_made', {
 *   profile: 'novatrade', secrets: ['whsec_…'], nowMs: Date.now(),
 * });
 * ```
 */
export function buildTriggerRequest(
  type: string,
  options: {
    readonly profile: CliProfileName;
    readonly secrets: readonly string[];
    readonly nowMs: number;
    readonly data?: Readonly<Record<string, unknown>> | undefined;
    readonly partnerUuid?: string | undefined;
  },
): TriggerRequest {
  const name = options.profile;
  const wireProfile = WIRE_PROFILES[name];
  const types = wireProfile.eventTypes;
  if (!types.includes(type)) {
    const nearest = nearestName(type, types);
    throw usageError(
      `unknown event type ${JSON.stringify(type)} for --profile ${name}` +
        (nearest === undefined ? '.' : `; did you mean ${nearest}?`),
      `The ${name} event types: ${types.join(', ')}.`,
    );
  }
  const catalog = catalogForProfile(wireProfile);
  const entry = getCatalogEntry(catalog, type);
  const eudr = name === 'eudr';
  // `type` is in the profile's catalog (checked above); the samples are plain JSON objects.
  const sample: {
    readonly data: unknown;
    readonly organizationUuid?: string;
    readonly integrationId?: string;
  } = eudr ? createSampleEudrEvent(type as EudrEventType) : createSampleEvent(type as EventType);
  if (options.partnerUuid !== undefined && eudr) {
    throw usageError('--partner: EUDR events carry no partner (only an integrationId).');
  }
  // An organization's event (the meta-events) has no partner, as the sender sends it; a partner
  // given anyway goes into the envelope, as a test fire's does (docs/design.md §5.8).
  const partnerUuid: string | null = eudr
    ? null
    : (options.partnerUuid ?? (entry.scope === 'organization' ? null : ZERO_UUID));
  // The latest version is the last: a catalog keeps versions ascending, never empty.
  const schemaVersion = entry.versions.at(-1)?.version ?? 1;
  let data: Record<string, unknown>;
  try {
    data = parseEventData(catalog, {
      type,
      schemaVersion,
      data: options.data ?? sample.data,
      strict: true,
    });
  } catch (error) {
    if (!isWebhooksError(error) || error.code !== 'invalid_event') throw error;
    const { issues } = error as WebhookValidationError;
    throw usageError(
      `--data does not fit ${type} (schema version ${schemaVersion}): ` +
        issues.map((issue) => `${issue.path} (${issue.code})`).join(', '),
      issues.map((issue) => `  ${issue.path}: ${issue.message}`).join('\n'),
    );
  }
  const event: OutboundEvent = {
    id: createId('event', webCryptoRandom),
    type,
    schemaVersion,
    source: 'SYSTEM',
    createdAtMs: options.nowMs,
    organizationUuid: (eudr ? sample.integrationId : sample.organizationUuid) ?? ZERO_UUID,
    partnerUuid,
    data,
  };
  const deliveryId = createId('delivery', webCryptoRandom);
  const request = asUsageErrors(() =>
    buildDeliveryRequest(wireProfile, {
      event,
      endpointId: SAMPLE_ENDPOINT_ID,
      deliveryId,
      secrets: options.secrets,
      nowMs: options.nowMs,
      hmac: nodeHmacSha256Hex,
      hmacBase64: nodeHmacSha256Base64,
    }),
  );
  return { event, deliveryId, request };
}
