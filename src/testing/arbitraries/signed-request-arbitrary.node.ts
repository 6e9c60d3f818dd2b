import type { Arbitrary } from 'fast-check';
import type { EudrEventEnvelope } from '../../core/catalog/eudr-event-envelope.js';
import type { EudrWebhookEvent } from '../../core/catalog/eudr-webhook-event.js';
import type { EventEnvelope } from '../../core/catalog/event-envelope.js';
import type { WebhookEvent } from '../../core/catalog/webhook-event.js';
import type { VerificationErrorCode } from '../../core/errors.js';
import { createWebhookSecret } from '../../core/ids.js';
import { describeNumberOption, describeValue } from '../../core/internal/describe-value.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import { positiveNumberIssueCode } from '../../core/internal/number-option.js';
import { typeIssueCode } from '../../core/internal/type-issue-code.js';
import { EUDR_HEADERS } from '../../core/profiles/eudr-profile.js';
import { formatTimestamp } from '../../core/profiles/format-timestamp.js';
import { NOVATRADE_HEADERS } from '../../core/profiles/novatrade-profile.js';
import {
  DEFAULT_TOLERANCE_SECONDS,
  STANDARD_WEBHOOKS_HEADERS,
} from '../../core/signature/constants.js';
import { createStandardWebhookSecret } from '../../core/signature/internal/standard-secret.js';
import {
  createSignedRequest,
  type SignableEvent,
  type SignedRequest,
  type SignedRequestProfile,
} from '../create-signed-request.node.js';
import { isArbitraryLike, readOptions } from '../internal/arbitrary-options.js';
import { type FastCheckModule, loadFastCheck } from '../internal/load-fast-check.node.js';
import { otherSecret, tamperBody, tamperSignature } from '../internal/tamper.js';
import { eudrEventArbitrary } from './eudr-event-arbitrary.js';
import { eventArbitrary } from './event-arbitrary.js';

/** What a generated request is: correctly signed, spoiled, or signed outside the replay window. */
export type SignedRequestVariant = 'valid' | 'tampered' | 'expired';

/**
 * How a `tampered` request was spoiled: one byte of the body changed after signing, one digit of
 * the signature changed, or signed with another secret than the receiver's.
 */
export type SignedRequestTampering = 'body' | 'signature' | 'secret';

/** The verification error a receiver must answer a spoiled or expired request with. */
export type SignedRequestFailureCode = Extract<
  VerificationErrorCode,
  'signature_mismatch' | 'timestamp_too_old' | 'timestamp_too_new'
>;

/**
 * What a generated request is and what verifying it must give: `expectedCode` is `null` when it
 * verifies, else the `WebhookVerificationError` code (a receiver answers 401 with it).
 */
export type SignedRequestExpectation =
  | {
      readonly variant: 'valid';
      readonly tampering: null;
      readonly expectedCode: null;
    }
  | {
      readonly variant: 'tampered';
      readonly tampering: SignedRequestTampering;
      readonly expectedCode: 'signature_mismatch';
    }
  | {
      readonly variant: 'expired';
      readonly tampering: null;
      readonly expectedCode: 'timestamp_too_old' | 'timestamp_too_new';
    };

/**
 * A value of {@link signedRequestArbitrary}: a {@link SignedRequest} (`toRequest()`,
 * `toFetchInit()`, `body`, `headers`) plus what it is and what it was made from.
 *
 * @typeParam E - the event type (`WebhookEvent` by default, `EudrWebhookEvent` with `eudr`).
 */
export type GeneratedSignedRequest<E extends SignableEvent = WebhookEvent> = SignedRequest<string> &
  SignedRequestExpectation & {
    /**
     * The event that was signed: `body` is the profile's serialization of it (before any
     * tampering), which for the default events parses back equal to it. With `eudr`, its
     * `timestamp` was set to the signing time: it is the `X-Webhook-Timestamp` a receiver's
     * window checks.
     */
    readonly event: E;
    /** The wire profile the request was made for. */
    readonly profile: SignedRequestProfile;
    /** The receiver's secret: verify with it (a `secret`-tampered request was signed with another). */
    readonly secret: string;
    /** The signing time in Unix seconds (`t=`, `webhook-timestamp`; EUDR: the event's time). */
    readonly timestampSeconds: number;
    /** What the clock (`options.now`) read when the request was generated, in epoch ms. */
    readonly nowMs: number;
  };

/** The event envelopes a profile signs: EUDR envelopes for `eudr`, Novatrade24 ones otherwise. */
export type SignableEventOf<P extends SignedRequestProfile> = P extends 'eudr'
  ? EudrEventEnvelope<string, object>
  : EventEnvelope<string, object, string | null>;

/** The events generated when no `events` arbitrary is given. */
export type DefaultSignedEventOf<P extends SignedRequestProfile> = P extends 'eudr'
  ? EudrWebhookEvent
  : WebhookEvent;

/** Options of {@link signedRequestArbitrary}. */
export interface SignedRequestArbitraryOptions<
  P extends SignedRequestProfile = 'novatrade',
  E extends SignableEventOf<P> = DefaultSignedEventOf<P>,
> {
  /**
   * The wire profile: body, headers and signature scheme.
   * @default 'novatrade'
   */
  readonly profile?: P | undefined;
  /**
   * The receiver's secret, or an arbitrary of secrets. `standard-webhooks` needs `whsec_` +
   * base64.
   * @default a new secret per request, in the profile's format (shrinks to `whsec_AAAA…`)
   */
  readonly secret?: string | Arbitrary<string> | undefined;
  /**
   * Which variants to generate: one, several, or `'any'` (all three, about equally often).
   * @default 'any'
   */
  readonly variant?: SignedRequestVariant | 'any' | readonly SignedRequestVariant[] | undefined;
  /**
   * The events to sign.
   * @default eventArbitrary() (eudrEventArbitrary() with `eudr`)
   */
  readonly events?: Arbitrary<E> | undefined;
  /**
   * The receiver's clock, in epoch **milliseconds**, read when each request is generated: pass
   * the fake clock your receiver verifies with (`createFakeClock().now`).
   * @default Date.now
   */
  readonly now?: (() => number) | undefined;
  /**
   * The receiver's replay window in seconds (its `toleranceSeconds`), from 1 to 30 days. Valid
   * and tampered requests are signed within it, expired ones outside it, each with a margin of a
   * quarter of the window, at least 1 s and at most 60 s, so that a clock that moves on by up to
   * the margin between generating and verifying does not change the outcome.
   * @default 300
   */
  readonly toleranceSeconds?: number | undefined;
}

const OPTION_NAMES = ['profile', 'secret', 'variant', 'events', 'now', 'toleranceSeconds'] as const;
const PROFILES: readonly SignedRequestProfile[] = ['novatrade', 'eudr', 'standard-webhooks'];
const VARIANTS: readonly SignedRequestVariant[] = ['valid', 'tampered', 'expired'];
const SIGNATURE_HEADERS: { readonly [P in SignedRequestProfile]: string } = {
  novatrade: NOVATRADE_HEADERS.signature,
  eudr: EUDR_HEADERS.signature,
  'standard-webhooks': STANDARD_WEBHOOKS_HEADERS.signature,
};
const MAX_TOLERANCE_SECONDS = 30 * 86_400;
/**
 * The smallest window: the receiver compares whole seconds, so a tolerance under 1 s admits only
 * age 0, which leaves no room inside the window for the margin.
 */
const MIN_TOLERANCE_SECONDS = 1;
/** The margin's bounds, seconds: a clock may move this much between generating and verifying. */
const MIN_MARGIN_SECONDS = 1;
const MAX_MARGIN_SECONDS = 60;
/** How far past the window an expired request may be signed, beyond the margin: 30 days. */
const MAX_BEYOND_SECONDS = 30 * 86_400;

/** One variant's generated parameters, before the request is built. */
type VariantSpec =
  | { readonly variant: 'valid'; readonly ageSeconds: number }
  | {
      readonly variant: 'tampered';
      readonly ageSeconds: number;
      readonly tampering: { readonly kind: SignedRequestTampering; readonly at: number };
    }
  | {
      readonly variant: 'expired';
      readonly direction: 'past' | 'future';
      readonly beyondSeconds: number;
    };

/**
 * A fast-check arbitrary of signed webhook requests for a receiver under test, each built with
 * {@link createSignedRequest} from a generated event and labelled with what it is:
 *
 * - `valid`: signed with the receiver's secret, inside the replay window. Verifies.
 * - `tampered`: one byte of the body changed after signing, one digit of the signature changed,
 *   or signed with another secret; inside the window. Fails with `signature_mismatch`.
 * - `expired`: correctly signed, but outside the window, in the past (`timestamp_too_old`) or
 *   in the future (`timestamp_too_new`).
 *
 * `expectedCode` holds the outcome: `verifyNovatradeSignature` (or `constructEvent`, a
 * `WebhookReceiver`) with the same secret, `now` and `toleranceSeconds` returns for `null` and
 * throws exactly that code otherwise; so does `verifyStandardWebhook` for `standard-webhooks`.
 * EUDR signatures cover no time: with `eudr`, the event's `timestamp` is the signing time (it is
 * the `X-Webhook-Timestamp` header), and an expired request fails only where the receiver checks
 * that header (`toleranceSeconds` on `EudrWebhookReceiver`, `timestamp` on
 * `verifyEudrSignature`), which is off by default there. Values shrink towards a valid request
 * signed at `now`, the first byte or digit changed, or the window's edge (plus the margin).
 * fast-check is an optional peer, loaded here on first use (docs/design.md §5.38).
 *
 * @typeParam P - the profile (inferred from `options.profile`).
 * @typeParam E - the event type (inferred from `options.events`).
 * @param options - `profile`, `secret`, `variant`, `events`, `now`, `toleranceSeconds`.
 * @returns an `Arbitrary<GeneratedSignedRequest<E>>`.
 * @throws WebhookValidationError `invalid_option` naming the option (an unknown one with the
 *   nearest known name), `invalid_secret` for a fixed secret that cannot sign for the profile,
 *   `optional_dependency_missing` when fast-check is not installed.
 * @example
 * ```ts
 * const clock = createFakeClock();
 * const receiver = new WebhookReceiver({ secret: 'whsec_test', now: clock.now });
 * await fc.assert(
 *   fc.asyncProperty(signedRequestArbitrary({ secret: 'whsec_test', now: clock.now }), async (signed) => {
 *     const response = await fetchHandler(receiver)(signed.toRequest());
 *     expect(response.status).toBe(signed.expectedCode === null ? 200 : 401);
 *   }),
 * );
 * ```
 */
export function signedRequestArbitrary<
  const P extends SignedRequestProfile = 'novatrade',
  E extends SignableEventOf<P> = DefaultSignedEventOf<P>,
>(options?: SignedRequestArbitraryOptions<P, E>): Arbitrary<GeneratedSignedRequest<E>> {
  const owner = 'signedRequestArbitrary';
  const read = readOptions(owner, options, OPTION_NAMES);
  const profile = readProfile(owner, read.profile);
  const variants = readVariants(owner, read.variant);
  const now = readNow(owner, read.now);
  const tolerance = readTolerance(owner, read.toleranceSeconds);
  if (typeof read.secret === 'string') {
    // Fails now, with the signing functions' own `invalid_secret`, rather than in every run.
    createSignedRequest('{}', { secret: read.secret, profile, timestampSeconds: 1 });
  } else if (read.secret !== undefined && !isArbitraryLike(read.secret)) {
    throw invalidOption(
      'secret',
      `${owner}: \`secret\` must be a string or a fast-check arbitrary of strings, got ${describeValue(read.secret)}.`,
      'invalid_type',
    );
  }
  if (read.events !== undefined && !isArbitraryLike(read.events)) {
    throw invalidOption(
      'events',
      `${owner}: \`events\` must be a fast-check arbitrary of events (e.g. eventArbitrary()), got ${describeValue(read.events)}.`,
      'invalid_type',
    );
  }
  const fc = loadFastCheck(owner);
  const events = (read.events ??
    (profile === 'eudr' ? eudrEventArbitrary() : eventArbitrary())) as Arbitrary<E>;
  const secrets =
    typeof read.secret === 'string'
      ? fc.constant(read.secret)
      : (read.secret ?? defaultSecrets(fc, profile));

  // Whole seconds: the window compares whole-second ages (|age| <= tolerance). A clock that moves
  // on by `margin` seconds (at most) between generating and verifying ages every request by as
  // much: a valid one at the window's edge still verifies, an expired one in the future is still
  // too new. As `window >= 1`, `margin <= window`: age 0 at least is left for valid requests.
  const window = Math.floor(tolerance);
  const margin = Math.max(MIN_MARGIN_SECONDS, Math.min(MAX_MARGIN_SECONDS, Math.floor(window / 4)));
  const inside = fc.integer({ min: -(window - margin), max: window - margin });
  const specs: Record<SignedRequestVariant, Arbitrary<VariantSpec>> = {
    valid: fc.record({ variant: fc.constant('valid' as const), ageSeconds: inside }),
    tampered: fc.record({
      variant: fc.constant('tampered' as const),
      ageSeconds: inside,
      tampering: fc.oneof(
        fc.record({ kind: fc.constant('body' as const), at: fc.nat() }),
        fc.record({ kind: fc.constant('signature' as const), at: fc.nat() }),
        fc.record({ kind: fc.constant('secret' as const), at: fc.constant(0) }),
      ),
    }),
    expired: fc.record({
      variant: fc.constant('expired' as const),
      direction: fc.constantFrom('past' as const, 'future' as const),
      beyondSeconds: fc.integer({ min: 0, max: MAX_BEYOND_SECONDS }),
    }),
  };
  const [first, ...rest] = variants.map((variant) => specs[variant]);
  const spec =
    rest.length === 0
      ? (first as Arbitrary<VariantSpec>)
      : fc.oneof(first as Arbitrary<VariantSpec>, ...rest);

  return fc.tuple(events, secrets, spec).map(([event, secret, chosen]) => {
    const nowMs = readClock(now);
    const ageSeconds =
      chosen.variant === 'expired'
        ? (chosen.direction === 'past' ? 1 : -1) * (window + 1 + margin + chosen.beyondSeconds)
        : chosen.ageSeconds;
    const timestampSeconds = Math.floor(nowMs / 1000) - ageSeconds;
    // The EUDR signature covers no time: the event's own time is the header a window checks.
    const signed = (
      profile === 'eudr'
        ? { ...event, timestamp: formatTimestamp(timestampSeconds * 1000, 'millis') }
        : event
    ) as E;
    const tampering = chosen.variant === 'tampered' ? chosen.tampering : undefined;
    const signingSecret = tampering?.kind === 'secret' ? otherSecret(secret, profile) : secret;
    let request = createSignedRequest(signed as SignableEvent, {
      secret: signingSecret,
      profile,
      timestampSeconds,
    });
    if (tampering?.kind === 'body') {
      // The original headers over the changed bytes: the signature no longer covers the body.
      request = createSignedRequest(tamperBody(request.body, tampering.at), {
        secret,
        profile,
        timestampSeconds,
        headers: request.headers,
      });
    } else if (tampering?.kind === 'signature') {
      const name = SIGNATURE_HEADERS[profile];
      request = createSignedRequest(signed as SignableEvent, {
        secret,
        profile,
        timestampSeconds,
        headers: {
          [name]: tamperSignature(request.headers[name] as string, profile, tampering.at),
        },
      });
    }
    const expectation: SignedRequestExpectation =
      chosen.variant === 'valid'
        ? { variant: 'valid', tampering: null, expectedCode: null }
        : chosen.variant === 'tampered'
          ? {
              variant: 'tampered',
              tampering: (tampering as { kind: SignedRequestTampering }).kind,
              expectedCode: 'signature_mismatch',
            }
          : {
              variant: 'expired',
              tampering: null,
              expectedCode: ageSeconds > 0 ? 'timestamp_too_old' : 'timestamp_too_new',
            };
    return Object.freeze({
      ...request,
      ...expectation,
      event: signed,
      profile,
      secret,
      timestampSeconds,
      nowMs,
    }) as GeneratedSignedRequest<E>;
  });
}

/** A new secret per request in the profile's format, from 32 generated bytes. */
function defaultSecrets(fc: FastCheckModule, profile: SignedRequestProfile): Arbitrary<string> {
  const mint = profile === 'standard-webhooks' ? createStandardWebhookSecret : createWebhookSecret;
  return fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => mint(() => bytes));
}

function readProfile(owner: string, value: unknown): SignedRequestProfile {
  if (value === undefined) return 'novatrade';
  if (PROFILES.includes(value as SignedRequestProfile)) return value as SignedRequestProfile;
  throw invalidOption(
    'profile',
    `${owner}: \`profile\` must be 'novatrade', 'eudr' or 'standard-webhooks', got ${describeValue(value)}.`,
    typeof value === 'string' ? 'invalid_value' : typeIssueCode(value),
  );
}

function readVariants(owner: string, value: unknown): readonly SignedRequestVariant[] {
  if (value === undefined || value === 'any') return VARIANTS;
  if (VARIANTS.includes(value as SignedRequestVariant)) return [value as SignedRequestVariant];
  if (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((item) => VARIANTS.includes(item as SignedRequestVariant))
  ) {
    return VARIANTS.filter((variant) => value.includes(variant));
  }
  throw invalidOption(
    'variant',
    `${owner}: \`variant\` must be 'valid', 'tampered', 'expired', 'any' or a non-empty array ` +
      `of the first three, got ${describeValue(value)}.`,
    typeof value === 'string' || Array.isArray(value) ? 'invalid_value' : typeIssueCode(value),
  );
}

function readNow(owner: string, value: unknown): () => number {
  if (value === undefined) return Date.now;
  if (typeof value === 'function') return value as () => number;
  throw invalidOption(
    'now',
    `${owner}: \`now\` must be a function returning epoch milliseconds (like Date.now or a fake ` +
      `clock's now), got ${describeValue(value)}.`,
    'invalid_type',
  );
}

function readTolerance(owner: string, value: unknown): number {
  if (value === undefined) return DEFAULT_TOLERANCE_SECONDS;
  const code =
    positiveNumberIssueCode(value, { max: MAX_TOLERANCE_SECONDS }) ??
    ((value as number) < MIN_TOLERANCE_SECONDS ? 'too_small' : undefined);
  if (code === undefined) return value as number;
  throw invalidOption(
    'toleranceSeconds',
    `${owner}: \`toleranceSeconds\` must be a number of seconds from ${MIN_TOLERANCE_SECONDS} to ` +
      `${MAX_TOLERANCE_SECONDS} (30 days), as the receiver's (which compares whole seconds, and ` +
      `the generated requests keep at least 1 s from the window's edge); got ` +
      `${describeNumberOption(value)}.`,
    code,
  );
}

/** The clock's reading, checked: a broken clock is named, not reported as a failed signature. */
function readClock(now: () => number): number {
  const nowMs: unknown = now();
  if (typeof nowMs === 'number' && Number.isFinite(nowMs)) return nowMs;
  throw invalidOption(
    'now',
    `signedRequestArbitrary: \`now()\` must return finite epoch milliseconds, got ${describeNumberOption(nowMs)}.`,
    'invalid_value',
  );
}
