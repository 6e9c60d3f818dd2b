// The rate-limit policy of the management API: the categories, the tiers and their per-minute
// limits, and the burst rule. Pure data and pure functions; the limiter and the stores read it.
//
// The published limits (per organization, per category, per minute):
//
// | Tier          | read | write | webhook | burst per 10 s (read/write/webhook) |
// |---------------|------|-------|---------|-------------------------------------|
// | `STANDARD`    |  300 |    60 |      10 | 100 / 20 / 3                        |
// | `HIGH_VOLUME` | 1000 |   200 |      30 | 333 / 66 / 10                       |
// | `ENTERPRISE`  | bespoke: HIGH_VOLUME's figures until configured                     |
//
// The burst rule ("2x for 10 s"). Two fixed windows are checked together, both aligned to the
// epoch (so every 10-second window lies inside one minute window):
//
// - the minute window: at most `perMinute` requests in each calendar minute;
// - the burst window: at most `burstPer10s` requests in each 10-second slice of it, by default
//   `floor(2 × perMinute / 6)` = `floor(perMinute / 3)` (at least 1): twice the average
//   10-second share of the minute budget.
//
// So a client may spend its minute budget at up to twice the average rate, in short bursts, but
// never more than `perMinute` in a minute: on STANDARD, ten webhook calls spread over the minute
// (three per 10 s at most) are allowed, and the eleventh is refused until the minute ends. The
// rule is exact and stateless beyond two counters, so a fake clock tests it to the millisecond,
// and a Redis store enforces it across processes in one atomic script. A refused request does not
// count against either window.

import { assertOptionsObject } from '../../../core/internal/assert-options-object.js';
import { describeValue } from '../../../core/internal/describe-value.js';
import { integerOption, requiredIntegerOption } from '../../../core/internal/integer-option.js';
import { invalidOption } from '../../../core/internal/invalid-option.js';

/** Every rate-limit category, in the order the API's documentation lists them. */
export const RATE_LIMIT_CATEGORIES = ['read', 'write', 'webhook'] as const;

/**
 * What a request counts against: `read` (any GET), `write` (POST, PATCH, PUT, DELETE) or
 * `webhook` (every route under a webhook prefix, GETs included: `/v1/webhooks` and
 * `/api/v1/integration/webhook-events` by default). The value of `X-RateLimit-Category`.
 */
export type RateLimitCategory = (typeof RATE_LIMIT_CATEGORIES)[number];

/** Every rate-limit tier of an organization (`capabilities.rateLimitTier` of `GET /v1/me`). */
export const RATE_LIMIT_TIERS = ['STANDARD', 'HIGH_VOLUME', 'ENTERPRISE'] as const;

/** An organization's rate-limit tier. */
export type RateLimitTier = (typeof RATE_LIMIT_TIERS)[number];

/** The length of the minute window, in milliseconds. */
export const MINUTE_WINDOW_MS = 60_000;

/** The length of the burst window, in milliseconds. */
export const BURST_WINDOW_MS = 10_000;

/** The limits of one category in one tier, resolved (every field present and checked). */
export interface CategoryRateLimit {
  /** At most this many requests per calendar minute: `X-RateLimit-Limit`. */
  readonly perMinute: number;
  /** At most this many requests per 10-second window (the burst cap), at most `perMinute`. */
  readonly burstPer10s: number;
}

/** The limits of one category as given: `burstPer10s` may be left to its default. */
export interface CategoryRateLimitInput {
  /** Requests per calendar minute: a positive integer. */
  readonly perMinute: number;
  /**
   * Requests per 10-second window: an integer from 1 to `perMinute`.
   * @default `max(1, floor(perMinute / 3))`, twice the average 10-second rate
   */
  readonly burstPer10s?: number | undefined;
}

/** The limits of every category of one tier. */
export type TierRateLimits = Readonly<Record<RateLimitCategory, CategoryRateLimit>>;

/** The limits of every category of one tier, as given. */
export type TierRateLimitsInput = Readonly<Record<RateLimitCategory, CategoryRateLimitInput>>;

/** The limits of every tier. */
export type RateLimitTable = Readonly<Record<RateLimitTier, TierRateLimits>>;

/** A custom tier table: each tier given replaces that tier's defaults as a whole. */
export type RateLimitTableInput = Readonly<Partial<Record<RateLimitTier, TierRateLimitsInput>>>;

/**
 * The default burst cap of a category: twice the average 10-second share of `perMinute`, that is
 * `floor(2 × perMinute / 6)`, and at least 1.
 *
 * @param perMinute - requests per minute, a positive integer.
 * @returns requests per 10-second window.
 * @example
 * ```ts
 * defaultBurstPer10s(10); // 3
 * defaultBurstPer10s(300); // 100
 * ```
 */
export function defaultBurstPer10s(perMinute: number): number {
  return Math.max(1, Math.floor(perMinute / 3));
}

function limit(perMinute: number): CategoryRateLimit {
  return Object.freeze({ perMinute, burstPer10s: defaultBurstPer10s(perMinute) });
}

const HIGH_VOLUME: TierRateLimits = Object.freeze({
  read: limit(1000),
  write: limit(200),
  webhook: limit(30),
});

/**
 * The published limits: STANDARD 300/60/10 and HIGH_VOLUME 1000/200/30 requests per minute for
 * read/write/webhook, each with the default burst cap. ENTERPRISE limits are bespoke: until a
 * custom table gives them, ENTERPRISE organizations get HIGH_VOLUME's.
 */
export const DEFAULT_RATE_LIMITS: RateLimitTable = Object.freeze({
  STANDARD: Object.freeze({ read: limit(300), write: limit(60), webhook: limit(10) }),
  HIGH_VOLUME,
  ENTERPRISE: HIGH_VOLUME,
});

const OWNER = 'RateLimiter';

/**
 * Checks a custom tier table and merges it over {@link DEFAULT_RATE_LIMITS}: each tier given
 * replaces that tier (all three categories must be given), each tier left out keeps its defaults.
 *
 * @param tiers - the custom table, or `undefined` for the defaults.
 * @returns the resolved, frozen table.
 * @throws WebhookValidationError `invalid_option` naming the faulty path: `tiers` (not an object),
 *   `tiers.<TIER>` (an unknown tier name, or not an object), `tiers.<TIER>.<category>` (missing or
 *   not an object, or an unknown category), `tiers.<TIER>.<category>.perMinute` (not a positive
 *   integer) or `….burstPer10s` (not an integer from 1 to `perMinute`).
 * @example
 * ```ts
 * const table = resolveRateLimitTable({
 *   ENTERPRISE: { read: { perMinute: 5000 }, write: { perMinute: 1000 }, webhook: { perMinute: 100, burstPer10s: 50 } },
 * });
 * table.ENTERPRISE.webhook; // { perMinute: 100, burstPer10s: 50 }
 * ```
 */
export function resolveRateLimitTable(tiers?: RateLimitTableInput): RateLimitTable {
  if (tiers === undefined) return DEFAULT_RATE_LIMITS;
  if (typeof tiers !== 'object' || tiers === null || Array.isArray(tiers)) {
    throw invalidOption(
      'tiers',
      `${OWNER}: \`tiers\` must be an object keyed by tier (STANDARD, HIGH_VOLUME, ENTERPRISE); got ${describeValue(tiers)}.`,
      'invalid_type',
    );
  }
  for (const name of Object.keys(tiers)) {
    if (!(RATE_LIMIT_TIERS as readonly string[]).includes(name)) {
      throw invalidOption(
        'tiers',
        `${OWNER}: \`tiers\` has a key that is not a tier; expected only STANDARD, HIGH_VOLUME or ENTERPRISE.`,
        'unrecognized_key',
      );
    }
  }
  const resolved: Partial<Record<RateLimitTier, TierRateLimits>> = {};
  for (const tier of RATE_LIMIT_TIERS) {
    const given = tiers[tier];
    resolved[tier] = given === undefined ? DEFAULT_RATE_LIMITS[tier] : resolveTier(tier, given);
  }
  return Object.freeze(resolved as Record<RateLimitTier, TierRateLimits>);
}

function resolveTier(tier: RateLimitTier, given: unknown): TierRateLimits {
  const path = `tiers.${tier}`;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw invalidOption(
      path,
      `${OWNER}: \`${path}\` must be an object with read, write and webhook limits; got ${describeValue(given)}.`,
      'invalid_type',
    );
  }
  for (const name of Object.keys(given)) {
    if (!(RATE_LIMIT_CATEGORIES as readonly string[]).includes(name)) {
      throw invalidOption(
        path,
        `${OWNER}: \`${path}\` has a key that is not a category; expected only read, write and webhook.`,
        'unrecognized_key',
      );
    }
  }
  const categories = given as Partial<Record<RateLimitCategory, unknown>>;
  const resolved: Partial<Record<RateLimitCategory, CategoryRateLimit>> = {};
  for (const category of RATE_LIMIT_CATEGORIES) {
    resolved[category] = resolveCategory(`${path}.${category}`, categories[category]);
  }
  return Object.freeze(resolved as Record<RateLimitCategory, CategoryRateLimit>);
}

function resolveCategory(path: string, given: unknown): CategoryRateLimit {
  if (given === undefined) {
    throw invalidOption(
      path,
      `${OWNER}: \`${path}\` is required: a tier given in \`tiers\` lists read, write and webhook limits.`,
      'required',
    );
  }
  assertCategoryObject(path, given);
  const input = given as { perMinute?: unknown; burstPer10s?: unknown };
  const perMinute = requiredIntegerOption(OWNER, `${path}.perMinute`, input.perMinute);
  const burstPer10s =
    integerOption(OWNER, `${path}.burstPer10s`, input.burstPer10s, { min: 1, max: perMinute }) ??
    defaultBurstPer10s(perMinute);
  return Object.freeze({ perMinute, burstPer10s });
}

function assertCategoryObject(path: string, given: unknown): void {
  try {
    assertOptionsObject(given);
  } catch {
    throw invalidOption(
      path,
      `${OWNER}: \`${path}\` must be an object { perMinute, burstPer10s? }; got ${describeValue(given)}.`,
      'invalid_type',
    );
  }
}

/**
 * The path prefixes whose routes count as `webhook`: the management API's `/v1/webhooks` and the
 * EUDR management route `/api/v1/integration/webhook-events`.
 */
export const DEFAULT_WEBHOOK_PREFIXES: readonly string[] = Object.freeze([
  '/v1/webhooks',
  '/api/v1/integration/webhook-events',
]);

/**
 * The category a management API request counts against: every route under a webhook prefix
 * (GETs included) is `webhook`; otherwise GET, HEAD and OPTIONS are `read` and every other method
 * (POST, PATCH, PUT, DELETE; `POST /v1/events` among them) is `write`. A prefix matches only at a
 * path-segment boundary: the path is the prefix, or the prefix followed by `/` (so
 * `/v1/webhooks` and `/v1/webhooks/abc` match `/v1/webhooks`, `/v1/webhooksX` does not).
 *
 * @param method - the HTTP method, any case.
 * @param path - the request path without the query string, e.g. `/v1/webhooks/abc`.
 * @param webhookPrefixes - the prefixes of the `webhook` routes, each starting with `/` and not
 *   ending with one; by default {@link DEFAULT_WEBHOOK_PREFIXES}.
 * @returns the category.
 * @throws WebhookValidationError `invalid_option` naming `webhookPrefixes` (not an array) or
 *   `webhookPrefixes[i]` (not a string starting with `/` and not ending with one).
 * @example
 * ```ts
 * rateLimitCategoryOf('GET', '/v1/webhooks'); // 'webhook'
 * rateLimitCategoryOf('GET', '/api/v1/integration/webhook-events/42'); // 'webhook'
 * rateLimitCategoryOf('GET', '/v1/webhooksX'); // 'read'
 * rateLimitCategoryOf('POST', '/v1/events'); // 'write'
 * rateLimitCategoryOf('GET', '/v1/me'); // 'read'
 * rateLimitCategoryOf('GET', '/hooks/1', ['/hooks']); // 'webhook'
 * ```
 */
export function rateLimitCategoryOf(
  method: string,
  path: string,
  webhookPrefixes: readonly string[] = DEFAULT_WEBHOOK_PREFIXES,
): RateLimitCategory {
  if (webhookPrefixes !== DEFAULT_WEBHOOK_PREFIXES) assertWebhookPrefixes(webhookPrefixes);
  for (const prefix of webhookPrefixes) {
    if (path === prefix || path.startsWith(`${prefix}/`)) return 'webhook';
  }
  const upper = method.toUpperCase();
  return upper === 'GET' || upper === 'HEAD' || upper === 'OPTIONS' ? 'read' : 'write';
}

function assertWebhookPrefixes(prefixes: unknown): void {
  if (!Array.isArray(prefixes)) {
    throw invalidOption(
      'webhookPrefixes',
      `rateLimitCategoryOf: \`webhookPrefixes\` must be an array of path prefixes; got ${describeValue(prefixes)}.`,
      prefixes === undefined ? 'required' : 'invalid_type',
    );
  }
  prefixes.forEach((prefix: unknown, index) => {
    if (
      typeof prefix !== 'string' ||
      prefix.length < 2 ||
      !prefix.startsWith('/') ||
      prefix.endsWith('/')
    ) {
      throw invalidOption(
        `webhookPrefixes[${index}]`,
        `rateLimitCategoryOf: \`webhookPrefixes[${index}]\` must be a path prefix starting with \`/\` and not ending with one, e.g. '/v1/webhooks'; got ${describeValue(prefix)}.`,
        typeof prefix === 'string' ? 'invalid_format' : 'invalid_type',
      );
    }
  });
}
