// Argument checks and window arithmetic shared by the rate-limit stores, so both stores accept
// and refuse the same arguments with the same errors, and agree on where a window starts.

import { describeValue } from '../../../core/internal/describe-value.js';
import { integerOption, requiredIntegerOption } from '../../../core/internal/integer-option.js';
import { invalidOption } from '../../../core/internal/invalid-option.js';
import type { RateLimitHitOptions, RateLimitWindow } from './rate-limit-store.js';

/** The most windows one hit may check (the limiter uses two). */
export const MAX_RATE_LIMIT_WINDOWS = 4;

/** The longest key a store accepts, in UTF-16 code units. */
export const MAX_RATE_LIMIT_KEY_LENGTH = 512;

/**
 * The start of the window of length `windowMs` holding `nowMs`, in epoch milliseconds.
 *
 * @param nowMs - epoch milliseconds, a non-negative integer.
 * @param windowMs - the window's length in milliseconds, a positive integer.
 * @returns `floor(nowMs / windowMs) × windowMs`.
 * @example
 * ```ts
 * windowStartMs(65_432, 60_000); // 60_000
 * ```
 */
export function windowStartMs(nowMs: number, windowMs: number): number {
  return nowMs - (nowMs % windowMs);
}

/**
 * Checks the arguments of a store's `hit`.
 *
 * @param owner - the method, for messages (`MemoryRateLimitStore.hit`).
 * @param key - the key as given.
 * @param options - the options as given.
 * @returns the windows and `nowMs`, checked.
 * @throws WebhookValidationError `invalid_option` naming `key`, `options`, `windows`,
 *   `windows[i].windowMs`, `windows[i].limit` or `nowMs`.
 */
export function checkHitArguments(
  owner: string,
  key: unknown,
  options: unknown,
): { readonly key: string; readonly windows: readonly RateLimitWindow[]; readonly nowMs: number } {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_RATE_LIMIT_KEY_LENGTH) {
    throw invalidOption(
      'key',
      `${owner}: \`key\` must be a string of 1 to ${MAX_RATE_LIMIT_KEY_LENGTH} characters; got ${describeValue(key)}.`,
      typeof key === 'string' ? (key.length === 0 ? 'too_small' : 'too_big') : 'invalid_type',
    );
  }
  if (typeof options !== 'object' || options === null) {
    throw invalidOption(
      'options',
      `${owner}: expected { windows, nowMs }; got ${describeValue(options)}.`,
      'invalid_type',
    );
  }
  const { windows, nowMs } = options as Partial<RateLimitHitOptions>;
  if (!Array.isArray(windows) || windows.length === 0 || windows.length > MAX_RATE_LIMIT_WINDOWS) {
    throw invalidOption(
      'windows',
      `${owner}: \`windows\` must be an array of 1 to ${MAX_RATE_LIMIT_WINDOWS} windows; got ${describeValue(windows)}.`,
      Array.isArray(windows) ? (windows.length === 0 ? 'too_small' : 'too_big') : 'invalid_type',
    );
  }
  const checked = windows.map((window: unknown, index): RateLimitWindow => {
    if (typeof window !== 'object' || window === null) {
      throw invalidOption(
        `windows[${index}]`,
        `${owner}: \`windows[${index}]\` must be { windowMs, limit }; got ${describeValue(window)}.`,
        'invalid_type',
      );
    }
    const given = window as Partial<RateLimitWindow>;
    return {
      windowMs: requiredIntegerOption(owner, `windows[${index}].windowMs`, given.windowMs),
      limit: requiredIntegerOption(owner, `windows[${index}].limit`, given.limit),
    };
  });
  const now = integerOption(owner, 'nowMs', nowMs, { min: 0 });
  if (now === undefined) {
    throw invalidOption(
      'nowMs',
      `${owner}: \`nowMs\` is required (epoch milliseconds).`,
      'required',
    );
  }
  return { key, windows: checked, nowMs: now };
}
