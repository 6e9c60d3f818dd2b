// The rate limits of the EUDR management API: N'entropy publishes one figure, 100 requests per
// minute per API token (docs/server-eudr.md), and no burst rule. Every route of this API lies
// under `/api/v1/integration/webhook-events`, a `webhook` prefix, so the `webhook` category is the
// one that counts; `read` and `write` get the same figure for the 404s and 405s beside it.
//
// The burst cap is the minute budget itself (no separate 10-second cap): a client may spend its
// 100 requests as N'entropy lets it, in one go. Limits are counted per organization (the caller
// `authenticate` returns), which is per API token when each organization has one token.

import type {
  CategoryRateLimitInput,
  RateLimitTableInput,
  TierRateLimitsInput,
} from '../rate-limit/rate-limit-policy.js';

/** N'entropy's published limit: requests per minute. */
export const EUDR_REQUESTS_PER_MINUTE = 100;

const LIMIT: CategoryRateLimitInput = Object.freeze({
  perMinute: EUDR_REQUESTS_PER_MINUTE,
  burstPer10s: EUDR_REQUESTS_PER_MINUTE,
});

const TIER: TierRateLimitsInput = Object.freeze({ read: LIMIT, write: LIMIT, webhook: LIMIT });

/** The EUDR limits of every tier: 100 requests per minute, no 10-second cap below that. */
export const EUDR_RATE_LIMITS: RateLimitTableInput = Object.freeze({
  STANDARD: TIER,
  HIGH_VOLUME: TIER,
  ENTERPRISE: TIER,
});

/**
 * The `tiers` to hand the limiter: {@link EUDR_RATE_LIMITS} with the tiers the caller gave laid
 * over them (each given tier replaces that tier as a whole, as the limiter's own merge does). A
 * value that is not a plain object is passed on as it is, for the limiter to refuse by name.
 *
 * @param tiers - the `rateLimit.tiers` option, or `undefined`.
 * @example
 * ```ts
 * eudrTiers(undefined); // EUDR_RATE_LIMITS
 * eudrTiers({ ENTERPRISE: { read, write, webhook } }); // STANDARD and HIGH_VOLUME stay at 100/min
 * ```
 */
export function eudrTiers(tiers: unknown): RateLimitTableInput {
  if (tiers === undefined) return EUDR_RATE_LIMITS;
  if (typeof tiers !== 'object' || tiers === null || Array.isArray(tiers)) {
    return tiers as RateLimitTableInput;
  }
  return { ...EUDR_RATE_LIMITS, ...(tiers as RateLimitTableInput) };
}
