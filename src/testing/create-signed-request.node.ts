import type { EudrEventEnvelope } from '../core/catalog/eudr-event-envelope.js';
import type { EventEnvelope } from '../core/catalog/event-envelope.js';
import { isRecord } from '../core/catalog/internal/schema-kit.js';
import { WebhookValidationError } from '../core/errors.js';
import { assertOptionsObject } from '../core/internal/assert-options-object.js';
import { describeValue } from '../core/internal/describe-value.js';
import { invalidOption } from '../core/internal/invalid-option.js';
import { typeIssueCode } from '../core/internal/type-issue-code.js';
import { EUDR_HEADERS, EUDR_PROFILE } from '../core/profiles/eudr-profile.js';
import { NOVATRADE_HEADERS, NOVATRADE_PROFILE } from '../core/profiles/novatrade-profile.js';
import { STANDARD_WEBHOOKS_PROFILE } from '../core/profiles/standard-webhooks-profile.js';
import type { OutboundEvent, SigningContext, WireProfile } from '../core/profiles/wire-profile.js';
import { assertSecrets } from '../core/signature/internal/assert-secrets.js';
import { nodeHmacSha256Base64 } from '../signature/node-hmac-sha256-base64.node.js';
import { nodeHmacSha256Hex } from '../signature/node-hmac-sha256-hex.node.js';
import { signStandardWebhook } from '../signature/sign-standard-webhook.node.js';
import { generateEudrTestHeader } from './generate-eudr-test-header.node.js';
import { generateTestHeader } from './generate-test-header.node.js';
import { isHeaderName, isHeaderValue } from './internal/header-syntax.js';
import { readJsonFields } from './internal/read-json-fields.js';
import { resolveTimestampSeconds } from './internal/resolve-timestamp-seconds.js';
import { toOutboundEvent } from './internal/to-outbound-event.js';

/**
 * The wire profiles a test request can be shaped and signed for (docs/design.md §4):
 * `NOVATRADE_PROFILE`, `EUDR_PROFILE` and `STANDARD_WEBHOOKS_PROFILE` (docs/design.md §5.22).
 */
export type SignedRequestProfile = 'novatrade' | 'eudr' | 'standard-webhooks';

/**
 * An event object {@link createSignedRequest} serializes: a Novatrade24 envelope (any `type`,
 * any `data` object, e.g. `createSampleEvent(…)` or an `EVENT_FIXTURES` entry) or, with
 * `profile: 'eudr'`, an N'entropy EUDR envelope.
 */
export type SignableEvent =
  | EventEnvelope<string, object, string | null>
  | EudrEventEnvelope<string, object>;

/** Options of {@link createSignedRequest}. */
export interface CreateSignedRequestOptions {
  /**
   * The endpoint's secret, used as-is (`whsec_` prefix included), or up to 8 secrets, newest
   * first. `novatrade` writes one `v1=` per secret; `eudr` signs with the first (its header holds
   * one signature, as `EUDR_PROFILE` does); `standard-webhooks` needs `whsec_` + base64 secrets
   * and writes one `v1,` entry per secret.
   */
  readonly secret: string | readonly string[];
  /**
   * The signing time in **Unix seconds** (the Novatrade24 `t=`, the Standard Webhooks
   * `webhook-timestamp`). Wins over `now`. The EUDR signature covers no time, so `eudr` only
   * validates it.
   * @default Math.floor(now() / 1000)
   */
  readonly timestampSeconds?: number | undefined;
  /**
   * The clock, in epoch **milliseconds**: pass a fake clock's `now`.
   * @default Date.now
   */
  readonly now?: (() => number) | undefined;
  /**
   * Where the request goes: an absolute `http:` or `https:` URL.
   * @default 'http://127.0.0.1/webhooks'
   */
  readonly url?: string | undefined;
  /**
   * The wire profile: body shape, header names and signature scheme.
   * @default 'novatrade'
   */
  readonly profile?: SignedRequestProfile | undefined;
  /**
   * `X-Novatrade-Delivery-Id` (`novatrade` only; EUDR has no such header).
   * @default 'del_00000000000000000000000000'
   */
  readonly deliveryId?: string | undefined;
  /**
   * `X-Novatrade-Endpoint-Id`, or `X-Webhook-Id` with `eudr`.
   * @default 'wh_00000000000000000000000000'
   */
  readonly endpointId?: string | undefined;
  /**
   * Headers to add or replace after signing, matched case-insensitively; `null` removes one.
   * The way to tamper: a wrong signature, a stale `X-Webhook-Timestamp`, a missing header.
   * Names must be RFC 9110 tokens and values free of control characters.
   */
  readonly headers?: Readonly<Record<string, string | null>> | undefined;
}

/**
 * A signed webhook request, exactly as a real sender would make it, ready to hand to a receiver
 * under test. Immutable: `headers` is frozen, and the two converters build fresh objects.
 *
 * @typeParam Body - `string` for an event or a string body, `Uint8Array` for a byte body.
 */
export interface SignedRequest<Body extends string | Uint8Array = string | Uint8Array> {
  /** Always `POST`. */
  readonly method: 'POST';
  /** The target URL, as given. */
  readonly url: string;
  /** The exact signed body: never re-serialised. Bytes are a copy taken at creation. */
  readonly body: Body;
  /**
   * The headers a real sender sends, under their exact names (e.g. `X-Novatrade-Signature`),
   * after `options.headers` were applied.
   */
  readonly headers: Readonly<Record<string, string>>;
  /** A new global Fetch `Request` on every call (a body can be read only once). */
  readonly toRequest: () => Request;
  /** A new `{ method, headers, body }` for `fetch(url, init)` on every call. */
  readonly toFetchInit: () => RequestInit;
}

const DEFAULT_URL = 'http://127.0.0.1/webhooks';
const ZEROS = '0'.repeat(26);
const DEFAULT_DELIVERY_ID = `del_${ZEROS}`;
const DEFAULT_ENDPOINT_ID = `wh_${ZEROS}`;

/** The event a raw body's headers are templated from; its body-derived headers are replaced. */
const PLACEHOLDER_EVENT: OutboundEvent = Object.freeze({
  id: `evt_${ZEROS}`,
  type: '',
  schemaVersion: 1,
  source: 'SYSTEM',
  createdAtMs: 0,
  organizationUuid: '',
  partnerUuid: null,
  data: Object.freeze({}),
});

const PROFILES: { readonly [P in SignedRequestProfile]: WireProfile } = {
  novatrade: NOVATRADE_PROFILE,
  eudr: EUDR_PROFILE,
  'standard-webhooks': STANDARD_WEBHOOKS_PROFILE,
};

/**
 * Builds a signed webhook request for a receiver under test: the body and headers a real
 * Novatrade24 (or N'entropy EUDR, or Standard Webhooks) sender would send, signed with your test
 * secret.
 *
 * - An **event object** is turned into the body by the wire profile's own `serializeBody`, and
 *   its headers by the profile's `buildHeaders`, so the bytes equal what `WebhookSender` sends.
 *   That means what the sender holds is what is sent: the envelope's fields only (unknown extra
 *   fields are dropped), in the documented order, with `createdAt` (EUDR: `timestamp`) rewritten
 *   in UTC as the profile formats it (`2026-04-22T10:30:00Z`; EUDR always with milliseconds). An
 *   EUDR event `{event, timestamp, integrationId, data}` maps onto the sender's event as
 *   `type`, `createdAt` and `organizationUuid`, the inverse of `EUDR_PROFILE.serializeBody`; a
 *   Novatrade24 envelope is accepted with `eudr` too, as the sender would map it. `data` is not
 *   checked against the catalog, so unknown types and invalid payloads can be sent on purpose.
 * - A **string or Uint8Array body** is signed and sent exactly as given. The headers that a
 *   sender derives from the event (`X-Novatrade-Event-Id`, `-Event-Type`, `-Schema-Version`;
 *   EUDR `X-Webhook-Event`, `X-Webhook-Timestamp`) are read verbatim from the body's top-level
 *   `id`, `type`, `schemaVersion` (EUDR: `event`, `timestamp`) when it is a JSON object that has
 *   them, and omitted otherwise. The Standard Webhooks `webhook-id` is signed, so it is the
 *   body's `id` when there is one and `evt_00000000000000000000000000` otherwise.
 *
 * The EUDR `X-Webhook-Timestamp` is the event's time, as the sender sends it, not the signing
 * time: for a receiver's replay window, set the event's `timestamp` or override the header.
 *
 * @param event - an event object ({@link SignableEvent}), or the raw body as a string or bytes.
 * @param options - `secret` (required), `timestampSeconds`, `now`, `url`, `profile`,
 *   `deliveryId`, `endpointId`, `headers`.
 * @returns a {@link SignedRequest}; `body` is a string unless the body was given as bytes.
 * @throws WebhookValidationError `invalid_event_input` (issue `invalid_type` at `event`) when
 *   `event` is not an object, a string or a Uint8Array; `invalid_event` listing the envelope fields that cannot be serialized;
 *   `invalid_secret`; `invalid_option` naming `options`, `timestampSeconds`, `now`, `url`,
 *   `profile`, `deliveryId`, `endpointId`, `headers` or `headers.<name>`.
 * @example
 * ```ts
 * import { createSignedRequest, EVENT_FIXTURES } from '@novatrade24/webhooks/testing';
 *
 * const request = createSignedRequest(EVENT_FIXTURES['compliance.decision_made'], {
 *   secret: 'whsec_test',
 * });
 * const response = await app.fetch(request.toRequest()); // your Fetch handler
 *
 * // Tampered: the receiver must answer 401 (signature_mismatch).
 * const forged = createSignedRequest(request.body, {
 *   secret: 'whsec_test',
 *   headers: { 'X-Novatrade-Signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` },
 * });
 * ```
 */
export function createSignedRequest(
  event: SignableEvent | string,
  options: CreateSignedRequestOptions,
): SignedRequest<string>;
/** A byte body: signed and sent byte for byte; `body` is a copy of it. */
export function createSignedRequest(
  event: Uint8Array,
  options: CreateSignedRequestOptions,
): SignedRequest<Uint8Array>;
/** Any input: `body` is a string unless bytes were given. */
export function createSignedRequest(
  event: SignableEvent | string | Uint8Array,
  options: CreateSignedRequestOptions,
): SignedRequest;
export function createSignedRequest(
  event: SignableEvent | string | Uint8Array,
  options: CreateSignedRequestOptions,
): SignedRequest {
  assertOptionsObject(options);
  const profileName = readProfile(options.profile);
  const profile = PROFILES[profileName];
  const secrets = assertSecrets(options.secret);
  const timestampSeconds = resolveTimestampSeconds(options.timestampSeconds, options.now);
  const url = readUrl(options.url);
  const deliveryId = readId(options.deliveryId, 'deliveryId', DEFAULT_DELIVERY_ID);
  const endpointId = readId(options.endpointId, 'endpointId', DEFAULT_ENDPOINT_ID);
  const overrides = readHeaderOverrides(options.headers);

  const context: Omit<SigningContext, 'event'> = {
    endpointId,
    deliveryId,
    secrets,
    nowMs: timestampSeconds * 1000,
    hmac: nodeHmacSha256Hex,
    hmacBase64: nodeHmacSha256Base64,
  };
  let body: string | Uint8Array;
  let headers: Record<string, string>;
  if (typeof event === 'string' || event instanceof Uint8Array) {
    // Copy bytes once (a plain Uint8Array of exactly the view), so later writes by the caller to
    // their buffer cannot change what was signed.
    body = typeof event === 'string' ? event : new Uint8Array(event);
    headers = rawBodyHeaders(profileName, body, { ...context, event: PLACEHOLDER_EVENT });
  } else if (isRecord(event) && !(event instanceof ArrayBuffer) && !ArrayBuffer.isView(event)) {
    const outbound = toOutboundEvent(event, profileName);
    body = profile.serializeBody(outbound);
    headers = profile.buildHeaders(body, { ...context, event: outbound });
  } else {
    throw invalidPayload(event);
  }

  const finalHeaders = Object.freeze(applyOverrides(headers, overrides));
  const toFetchInit = (): RequestInit => ({
    method: 'POST',
    headers: { ...finalHeaders },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return Object.freeze({
    method: 'POST',
    url,
    body,
    headers: finalHeaders,
    toRequest: () => new Request(url, toFetchInit()),
    toFetchInit,
  });
}

/**
 * Headers for a raw body: the profile's own headers (names, order, `User-Agent`, ids), with the
 * signature computed over the exact payload and the event-derived headers read from the body.
 */
function rawBodyHeaders(
  profileName: SignedRequestProfile,
  payload: string | Uint8Array,
  context: SigningContext,
): Record<string, string> {
  const fields = readJsonFields(payload) ?? {};
  let replaced: Record<string, string | undefined>;
  if (profileName === 'novatrade') {
    const version = fields.schemaVersion;
    replaced = {
      [NOVATRADE_HEADERS.signature]: generateTestHeader({
        payload,
        secret: context.secrets,
        timestampSeconds: context.nowMs / 1000,
      }),
      [NOVATRADE_HEADERS.eventId]: headerText(fields.id),
      [NOVATRADE_HEADERS.eventType]: headerText(fields.type),
      [NOVATRADE_HEADERS.schemaVersion]:
        typeof version === 'number' && Number.isFinite(version) ? String(version) : undefined,
    };
  } else if (profileName === 'standard-webhooks') {
    // The id is signed: the body's own `id` (an envelope's event id), else the placeholder's.
    replaced = signStandardWebhook(payload, {
      id: headerText(fields.id) ?? context.event.id,
      secret: context.secrets,
      timestamp: context.nowMs / 1000,
    });
  } else {
    replaced = {
      [EUDR_HEADERS.signature]: generateEudrTestHeader({
        payload,
        secret: context.secrets[0] as string,
      }),
      [EUDR_HEADERS.event]: headerText(fields.event),
      [EUDR_HEADERS.timestamp]: headerText(fields.timestamp),
    };
  }
  // The template is built over an empty body; every header that depends on the body or the
  // event is in `replaced`, so nothing of the placeholder survives.
  const template = PROFILES[profileName].buildHeaders('', context);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(template)) {
    const next = Object.hasOwn(replaced, name) ? replaced[name] : value;
    if (next !== undefined) headers[name] = next;
  }
  return headers;
}

function headerText(value: unknown): string | undefined {
  return isHeaderValue(value) && value.length > 0 ? value : undefined;
}

function applyOverrides(
  headers: Readonly<Record<string, string>>,
  overrides: readonly (readonly [string, string | null])[],
): Record<string, string> {
  const byLowerName = new Map<string, readonly [string, string]>();
  for (const [name, value] of Object.entries(headers))
    byLowerName.set(name.toLowerCase(), [name, value]);
  for (const [name, value] of overrides) {
    const key = name.toLowerCase();
    byLowerName.delete(key);
    if (value !== null) byLowerName.set(key, [name, value]);
  }
  return Object.fromEntries(byLowerName.values());
}

function readProfile(value: unknown): SignedRequestProfile {
  if (value === undefined) return 'novatrade';
  if (value === 'novatrade' || value === 'eudr' || value === 'standard-webhooks') return value;
  throw invalidOption(
    'profile',
    `profile must be 'novatrade', 'eudr' or 'standard-webhooks'; got ${describeValue(value)}.`,
    typeof value === 'string' ? 'invalid_value' : typeIssueCode(value),
  );
}

function readUrl(value: unknown): string {
  if (value === undefined) return DEFAULT_URL;
  let protocol: string | undefined;
  if (typeof value === 'string') {
    try {
      protocol = new URL(value).protocol;
    } catch {
      protocol = undefined;
    }
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw invalidOption(
      'url',
      `url must be an absolute http: or https: URL, e.g. '${DEFAULT_URL}'; got ${describeValue(value)}.`,
      typeof value === 'string' ? 'invalid_format' : typeIssueCode(value),
    );
  }
  return value as string;
}

function readId(value: unknown, name: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (isHeaderValue(value) && value.length > 0) return value;
  throw invalidOption(
    name,
    `${name} must be a non-empty string without control characters; got ${describeValue(value)}.`,
    typeof value !== 'string'
      ? typeIssueCode(value)
      : value === ''
        ? 'too_small'
        : 'invalid_format',
  );
}

function readHeaderOverrides(value: unknown): readonly (readonly [string, string | null])[] {
  if (value === undefined) return [];
  if (!isRecord(value)) {
    throw invalidOption(
      'headers',
      `headers must be an object of header names to values (or null to remove); got ${describeValue(value)}.`,
      'invalid_type',
    );
  }
  const entries = Object.entries(value);
  for (const [name, headerValue] of entries) {
    if (!isHeaderName(name)) {
      throw invalidOption(
        `headers.${name}`,
        `A header name must be an RFC 9110 token (letters, digits, !#$%&'*+-.^_\`|~); got a name of ${name.length} characters.`,
        'invalid_format',
      );
    }
    if (headerValue !== null && !isHeaderValue(headerValue)) {
      throw invalidOption(
        `headers.${name}`,
        `headers.${name} must be a string without control characters, or null to remove the ` +
          `header; got ${describeValue(headerValue)}.`,
        typeof headerValue === 'string' ? 'invalid_format' : 'invalid_type',
      );
    }
  }
  return entries as [string, string | null][];
}

function invalidPayload(event: unknown): WebhookValidationError {
  const hint =
    event instanceof ArrayBuffer || ArrayBuffer.isView(event)
      ? ' Wrap its bytes: new Uint8Array(view.buffer, view.byteOffset, view.byteLength).'
      : ' Pass an event object (e.g. createSampleEvent(type)), or the raw body as a string or bytes.';
  const message = `Expected an event object, a string or a Uint8Array; got ${describeValue(event)}.${hint}`;
  return new WebhookValidationError('invalid_event_input', message, {
    issues: [{ path: 'event', code: 'invalid_type', message }],
  });
}
