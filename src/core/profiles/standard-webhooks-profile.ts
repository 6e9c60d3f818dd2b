import type { EventDataMap } from '../catalog/event-data.js';
import { EVENT_TYPES } from '../catalog/event-types.js';
import { describeValue } from '../internal/describe-value.js';
import { invalidOption } from '../internal/invalid-option.js';
import { typeIssueCode } from '../internal/type-issue-code.js';
import { NOVATRADE_HEALTH_POLICY } from '../retry/health-policy.js';
import { NOVATRADE_RETRY_POLICY } from '../retry/retry-policy.js';
import { buildStandardWebhookSignature } from '../signature/build-standard-webhook-signature.js';
import { STANDARD_WEBHOOKS_HEADERS } from '../signature/constants.js';
import {
  createStandardWebhookSecret,
  standardSecretProblem,
} from '../signature/internal/standard-secret.js';
import { VERSION } from '../version.js';
import { NOVATRADE_PROFILE } from './novatrade-profile.js';
import type { SecretFormat } from './secret-format.js';
import type { OutboundEvent, SigningContext, WireProfile } from './wire-profile.js';

const SECRET_FORMAT: SecretFormat = Object.freeze({
  create: createStandardWebhookSecret,
  check: standardSecretProblem,
});

/**
 * The Standard Webhooks wire profile (standardwebhooks.com, the format Svix-based consumers
 * verify), carrying the Novatrade24 events (docs/design.md §5.22):
 *
 * - body: the Novatrade24 envelope `{id, type, schemaVersion, source, createdAt,
 *   organizationUuid, partnerUuid, data}`, byte for byte as `NOVATRADE_PROFILE` serializes it, so
 *   the catalog, schema versions and typed parsing are the same;
 * - headers: `content-type: application/json`, `webhook-id` (the event id, the same on every
 *   retry and replay: the receiver's dedupe key), `webhook-timestamp` (the attempt's Unix
 *   seconds), `webhook-signature: v1,<base64>` (one entry per live secret, space-separated),
 *   `user-agent: novatrade24-webhooks/<version>`;
 * - signature: `base64(HMAC-SHA256(base64-decoded secret, "<webhook-id>.<webhook-timestamp>.<raw
 *   body>"))`; secrets are `whsec_` + standard, padded base64 of 24 to 64 bytes, and a sender
 *   using this profile mints and checks them with {@link WireProfile.secretFormat};
 * - retries, health and timeout: the Novatrade24 ones ({@link NOVATRADE_RETRY_POLICY},
 *   {@link NOVATRADE_HEALTH_POLICY}, 10 s), so the delivery guarantees do not change with the
 *   wire format.
 *
 * `buildHeaders` needs the byte-key primitive `hmacBase64` in its context (`WebhookSender`
 * passes `nodeHmacSha256Base64`).
 *
 * @example
 * ```ts
 * const sender = new WebhookSender({ profile: STANDARD_WEBHOOKS_PROFILE, transport });
 * const { secret } = await sender.createEndpoint(org, { url, events: ['compliance.*'] });
 * // the receiver: new Webhook(secret).verify(body, headers) (standardwebhooks), or
 * // constructStandardEvent(body, headers, secret) (this package)
 * ```
 */
export const STANDARD_WEBHOOKS_PROFILE: WireProfile<EventDataMap> = Object.freeze({
  name: 'standard-webhooks',
  eventTypes: EVENT_TYPES,
  retryPolicy: NOVATRADE_RETRY_POLICY,
  healthPolicy: NOVATRADE_HEALTH_POLICY,
  timeoutMs: 10_000,
  secretFormat: SECRET_FORMAT,
  serializeBody(event: OutboundEvent): string {
    return NOVATRADE_PROFILE.serializeBody(event);
  },
  buildHeaders(body: string, context: SigningContext): Record<string, string> {
    const { event, hmacBase64 } = context;
    if (typeof hmacBase64 !== 'function') {
      throw invalidOption(
        'hmacBase64',
        'STANDARD_WEBHOOKS_PROFILE signs with a byte-key HMAC: pass `hmacBase64` (e.g. ' +
          `nodeHmacSha256Base64) in the signing context; got ${describeValue(hmacBase64)}.`,
        typeIssueCode(hmacBase64),
      );
    }
    const timestampSeconds = Math.floor(context.nowMs / 1000);
    return {
      'content-type': 'application/json',
      [STANDARD_WEBHOOKS_HEADERS.id]: event.id,
      [STANDARD_WEBHOOKS_HEADERS.timestamp]: String(timestampSeconds),
      [STANDARD_WEBHOOKS_HEADERS.signature]: buildStandardWebhookSignature(body, {
        id: event.id,
        timestampSeconds,
        secret: context.secrets,
        hmac: hmacBase64,
      }),
      'user-agent': `novatrade24-webhooks/${VERSION}`,
    };
  },
});
