// The wire profile of the process tests: Novatrade24's body and signature with a retry schedule
// in milliseconds instead of hours, so a delivery's whole schedule runs inside a test.
import { NOVATRADE_PROFILE } from '../../../src/core/profiles/novatrade-profile.js';
import type { WireProfile } from '../../../src/core/profiles/wire-profile.js';

/** Options of {@link fastProfile}. */
export interface FastProfileOptions {
  /** One attempt's timeout, ms. `leaseMs` must be at least this plus 5,000 (the sender's rule). */
  readonly timeoutMs: number;
  /**
   * The retries, each this long after the previous attempt (an `intervals` schedule, as EUDR's):
   * `length + 1` attempts at most. Any positive numbers are allowed (`assertRetryPolicy`).
   */
  readonly retryIntervalsMs: readonly number[];
}

/** Serialisable, so a test can hand the same profile to its worker processes. */
export type FastProfileSpec = FastProfileOptions;

/**
 * `NOVATRADE_PROFILE` with `retryIntervalsMs` as its schedule (`Retry-After` honoured up to 1 s),
 * `timeoutMs`, and a health policy that never trips in a test's lifetime (a million failures in a
 * row): an auto-pause would park deliveries and emit meta-events, which is not what these tests
 * count.
 */
export function fastProfile(options: FastProfileOptions): WireProfile {
  return {
    ...NOVATRADE_PROFILE,
    retryPolicy: {
      schedule: { kind: 'intervals', intervalsMs: [...options.retryIntervalsMs] },
      maxRetryAfterMs: 1_000,
    },
    healthPolicy: { maxConsecutiveFailures: 1_000_000, action: 'PAUSED' },
    timeoutMs: options.timeoutMs,
  };
}
