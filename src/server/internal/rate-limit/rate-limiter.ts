// The management API's rate limiter: per organization and category, two fixed windows (the
// minute and the 10-second burst window, see rate-limit-policy.ts), counted in a pluggable store.
// It decides whether a request may run and computes what the response says about it:
//
// - `X-RateLimit-Limit`: the category's per-minute limit of the organization's tier.
// - `X-RateLimit-Remaining`: how many more requests would be allowed right now, never negative:
//   the smaller of what is left of the current minute's budget and of the current 10-second
//   burst window's (`min(perMinute − minute count, burstPer10s − burst count)`). So a 429 always
//   says 0, whichever window refused it, and a client that sends only while `Remaining` is above
//   0 is not refused (absent other traffic of its organization). `Remaining` may be 0 before the
//   minute's budget is spent (the burst window is full): `Retry-After` of a 429 then says when to
//   retry, sooner than `Reset`.
// - `X-RateLimit-Reset`: the end of the current minute window, in Unix seconds (windows are
//   aligned to the calendar minute, so it is a whole second, always in the future and at most
//   60 s away).
// - `X-RateLimit-Category`: `read`, `write` or `webhook`.
// - On refusal, `retryAfterSeconds` (the `Retry-After` of the 429): whole seconds, at least 1,
//   until the window that refused the request ends: the minute window when its budget is spent,
//   else the burst window. Without other traffic a request sent then is allowed.
//
// A refused request consumes nothing (the store's contract), so a client retrying too early does
// not push its own recovery further away.
//
// A store failure fails closed: `check` rejects with `storage_unavailable` (the API answers 503)
// rather than letting the request through. Deliberately: a limiter that lets everything through
// during a Redis outage is a limiter an attacker can switch off (by overloading or cutting off
// the Redis), exactly when the API most needs it.

import {
  isWebhooksError,
  WebhookStorageError,
  WebhookValidationError,
} from '../../../core/errors.js';
import { assertKnownOptions } from '../../../core/internal/assert-known-options.js';
import { describeValue } from '../../../core/internal/describe-value.js';
import { invalidOption } from '../../../core/internal/invalid-option.js';
import { assertOrganization } from '../../../sender/internal/assert-organization.js';
import { MemoryRateLimitStore } from './memory-rate-limit-store.js';
import {
  BURST_WINDOW_MS,
  type CategoryRateLimit,
  MINUTE_WINDOW_MS,
  RATE_LIMIT_CATEGORIES,
  RATE_LIMIT_TIERS,
  type RateLimitCategory,
  type RateLimitTable,
  type RateLimitTableInput,
  type RateLimitTier,
  resolveRateLimitTable,
} from './rate-limit-policy.js';
import type { RateLimitHitResult, RateLimitStore } from './rate-limit-store.js';
import { windowStartMs } from './rate-limit-window.js';

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /**
   * Where the counters live. Give every process the same Redis store to share one budget.
   * @default a new `MemoryRateLimitStore` (this process only)
   */
  readonly store?: RateLimitStore | undefined;
  /**
   * The clock, in epoch milliseconds (the fake clock's `now` in tests).
   * @default `Date.now`
   */
  readonly now?: (() => number) | undefined;
  /**
   * Custom limits: each tier given replaces that tier's defaults (ENTERPRISE's bespoke limits).
   * @default the published STANDARD and HIGH_VOLUME limits; ENTERPRISE gets HIGH_VOLUME's
   */
  readonly tiers?: RateLimitTableInput | undefined;
}

/** Every option of {@link RateLimiterOptions}. */
export const RATE_LIMITER_OPTION_NAMES = [
  'store',
  'now',
  'tiers',
] as const satisfies readonly (keyof RateLimiterOptions)[];

/** What {@link RateLimiter.check} is asked about: one request. */
export interface RateLimitRequest {
  /** The organization the request's credentials belong to: a non-empty string (≤ 128 characters). */
  readonly organizationUuid: string;
  /** The organization's tier. */
  readonly tier: RateLimitTier;
  /** What the request counts against. */
  readonly category: RateLimitCategory;
}

/** The rate-limit headers every response carries, as header values. */
export interface RateLimitHeaders {
  /** The per-minute limit, e.g. `'10'`. */
  readonly 'X-RateLimit-Limit': string;
  /**
   * How many more requests would be allowed now, e.g. `'2'`: the smaller of what is left in the
   * minute window and in the 10-second burst window; never negative, and `'0'` on every 429.
   */
  readonly 'X-RateLimit-Remaining': string;
  /** The end of the current minute window, in Unix seconds, e.g. `'1767225660'`. */
  readonly 'X-RateLimit-Reset': string;
  /** The category, e.g. `'webhook'`. */
  readonly 'X-RateLimit-Category': RateLimitCategory;
}

/** A request that may run: answer it with `headers`. */
export interface RateLimitAllowed {
  readonly allowed: true;
  /** The four headers for the response. */
  readonly headers: RateLimitHeaders;
}

/** A request refused: answer 429 with `headers` and `Retry-After: retryAfterSeconds`. */
export interface RateLimitRefused {
  readonly allowed: false;
  /** The four headers for the 429 response. */
  readonly headers: RateLimitHeaders;
  /** Whole seconds (≥ 1) until a request would be allowed: the `Retry-After` value. */
  readonly retryAfterSeconds: number;
  /** Which window refused it: the minute budget is spent, or the 10-second burst cap. */
  readonly exceeded: 'minute' | 'burst';
  /** The category's limits in the organization's tier (for the problem's detail). */
  readonly limit: CategoryRateLimit;
}

/** The decision of {@link RateLimiter.check}. */
export type RateLimitDecision = RateLimitAllowed | RateLimitRefused;

/** The longest `organizationUuid`, as everywhere in this package (the sender's check). */
const MAX_ORGANIZATION_LENGTH = 128;

/**
 * Rate limits of the management API per organization and category: a per-minute budget and a
 * 10-second burst cap (twice the average rate), both fixed windows aligned to the epoch, counted
 * atomically in a {@link RateLimitStore}.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ now: clock.now });
 * const decision = await limiter.check({ organizationUuid, tier: 'STANDARD', category: 'webhook' });
 * for (const [name, value] of Object.entries(decision.headers)) response.setHeader(name, value);
 * if (!decision.allowed) response.setHeader('Retry-After', String(decision.retryAfterSeconds));
 * ```
 */
export class RateLimiter {
  readonly #store: RateLimitStore;
  readonly #now: () => number;
  readonly #table: RateLimitTable;

  /**
   * @param options - `store` (default: in memory), `now` (default `Date.now`) and `tiers`
   *   (default: the published limits).
   * @throws WebhookValidationError `invalid_option` naming `options`, `store` (no `hit`
   *   function), `now` (not a function), an unknown option, or a path under `tiers`.
   */
  constructor(options: RateLimiterOptions = {}) {
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw invalidOption(
        'options',
        `RateLimiter: expected { store?, now?, tiers? }; got ${describeValue(options)}.`,
        'invalid_type',
      );
    }
    assertKnownOptions(options, RATE_LIMITER_OPTION_NAMES, 'RateLimiter');
    const { store = new MemoryRateLimitStore(), now = Date.now, tiers } = options;
    if (typeof store !== 'object' || store === null || typeof store.hit !== 'function') {
      throw invalidOption(
        'store',
        `RateLimiter: \`store\` must be a rate-limit store (an object with hit(key, options)); got ${describeValue(store)}.`,
        'invalid_type',
      );
    }
    if (typeof now !== 'function') {
      throw invalidOption(
        'now',
        `RateLimiter: \`now\` must be a function returning epoch milliseconds; got ${describeValue(now)}.`,
        'invalid_type',
      );
    }
    this.#store = store;
    this.#now = now;
    this.#table = resolveRateLimitTable(tiers);
  }

  /**
   * The limits of `category` in `tier`.
   *
   * @param tier - a tier.
   * @param category - a category.
   * @returns `{ perMinute, burstPer10s }`.
   * @throws WebhookValidationError `invalid_option` naming `tier` or `category`.
   * @example
   * ```ts
   * new RateLimiter().limitsOf('STANDARD', 'webhook'); // { perMinute: 10, burstPer10s: 3 }
   * ```
   */
  limitsOf(tier: RateLimitTier, category: RateLimitCategory): CategoryRateLimit {
    assertMember('tier', tier, RATE_LIMIT_TIERS);
    assertMember('category', category, RATE_LIMIT_CATEGORIES);
    return this.#table[tier][category];
  }

  /**
   * Counts one request of the organization in its category if both windows have room, and
   * computes the response's rate-limit headers (and `Retry-After` when refused). A refused
   * request consumes nothing.
   *
   * @param request - `organizationUuid`, `tier` and `category`.
   * @returns `{ allowed: true, headers }`, or `{ allowed: false, headers, retryAfterSeconds,
   *   exceeded, limit }`.
   * @throws WebhookValidationError `invalid_option` naming `request`, `organizationUuid` (not a
   *   string of 1 to 128 characters), `tier`,
   *   `category`, or `now` (the clock returned something other than a finite, non-negative
   *   number); WebhookStorageError `storage_unavailable` when the store fails (its error is the
   *   `cause` unless it is already a `WebhooksError`) or answers something malformed. All as
   *   rejections.
   * @example
   * ```ts
   * const clock = createFakeClock(); // 2026-01-01T00:00:00Z
   * const limiter = new RateLimiter({ now: clock.now });
   * await limiter.check({ organizationUuid: 'org-1', tier: 'STANDARD', category: 'webhook' });
   * // { allowed: true, headers: { 'X-RateLimit-Limit': '10', 'X-RateLimit-Remaining': '2',
   * //   'X-RateLimit-Reset': '1767225660', 'X-RateLimit-Category': 'webhook' } }
   * ```
   */
  async check(request: RateLimitRequest): Promise<RateLimitDecision> {
    if (typeof request !== 'object' || request === null) {
      throw invalidOption(
        'request',
        `RateLimiter.check: expected { organizationUuid, tier, category }; got ${describeValue(request)}.`,
        'invalid_type',
      );
    }
    const { organizationUuid, tier, category } = request;
    checkOrganization(organizationUuid);
    const limit = this.limitsOf(tier, category);
    const nowMs = this.#nowMs();
    const result = await this.#hit(`${organizationUuid}:${category}`, limit, nowMs);
    const [minuteCount, burstCount] = result.counts as [number, number];
    const minuteEndMs = windowStartMs(nowMs, MINUTE_WINDOW_MS) + MINUTE_WINDOW_MS;
    const headers: RateLimitHeaders = {
      'X-RateLimit-Limit': String(limit.perMinute),
      'X-RateLimit-Remaining': String(
        Math.max(0, Math.min(limit.perMinute - minuteCount, limit.burstPer10s - burstCount)),
      ),
      'X-RateLimit-Reset': String(minuteEndMs / 1000),
      'X-RateLimit-Category': category,
    };
    if (result.allowed) return { allowed: true, headers };
    // The burst cap refused when it is reached and the minute budget is not; else the minute.
    const exceeded =
      burstCount >= limit.burstPer10s && minuteCount < limit.perMinute ? 'burst' : 'minute';
    const untilMs =
      exceeded === 'minute'
        ? minuteEndMs - nowMs
        : windowStartMs(nowMs, BURST_WINDOW_MS) + BURST_WINDOW_MS - nowMs;
    return {
      allowed: false,
      headers,
      retryAfterSeconds: Math.max(1, Math.ceil(untilMs / 1000)),
      exceeded,
      limit,
    };
  }

  #nowMs(): number {
    const value: unknown = this.#now();
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw invalidOption(
        'now',
        `RateLimiter: \`now()\` must return finite, non-negative epoch milliseconds; got ${
          typeof value === 'number' ? String(value) : describeValue(value)
        }.`,
        'invalid_type',
      );
    }
    return Math.floor(value);
  }

  async #hit(key: string, limit: CategoryRateLimit, nowMs: number): Promise<RateLimitHitResult> {
    let result: RateLimitHitResult;
    try {
      result = await this.#store.hit(key, {
        windows: [
          { windowMs: MINUTE_WINDOW_MS, limit: limit.perMinute },
          { windowMs: BURST_WINDOW_MS, limit: limit.burstPer10s },
        ],
        nowMs,
      });
    } catch (error) {
      if (isWebhooksError(error)) throw error;
      throw new WebhookStorageError(
        'storage_unavailable',
        'RateLimiter.check: the rate-limit store failed (see cause).',
        { cause: error },
      );
    }
    const counts: unknown = result?.counts;
    if (
      typeof result?.allowed !== 'boolean' ||
      !Array.isArray(counts) ||
      counts.length !== 2 ||
      !counts.every((count) => Number.isSafeInteger(count) && (count as number) >= 0)
    ) {
      throw new WebhookStorageError(
        'storage_unavailable',
        'RateLimiter.check: the rate-limit store answered something other than { allowed: boolean, counts: [minute, burst] }.',
      );
    }
    return result;
  }
}

/** The sender's organization check (one limit for the package), with this method's message. */
function checkOrganization(value: unknown): asserts value is string {
  try {
    assertOrganization(value);
  } catch (error) {
    if (!(error instanceof WebhookValidationError)) throw error;
    throw invalidOption(
      'organizationUuid',
      `RateLimiter.check: \`organizationUuid\` must be a string of 1 to ${MAX_ORGANIZATION_LENGTH} characters; got ${describeValue(value)}.`,
      error.issues[0]?.code ?? 'invalid_value',
    );
  }
}

function assertMember(name: string, value: unknown, members: readonly string[]): void {
  if (typeof value !== 'string' || !members.includes(value)) {
    throw invalidOption(
      name,
      `RateLimiter: \`${name}\` must be one of ${members.join(', ')}; got ${
        typeof value === 'string' ? 'another string' : describeValue(value)
      }.`,
      typeof value === 'string' ? 'invalid_value' : 'invalid_type',
    );
  }
}
