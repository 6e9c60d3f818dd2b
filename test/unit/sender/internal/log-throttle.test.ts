// The throttle of repeated sender log lines (docs/design.md §5.23) and the masking of secrets and
// signatures in the error summaries of those lines.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOG_REPEAT_WINDOW_MS, LogThrottle } from '../../../../src/sender/internal/log-throttle.js';
import {
  maskedErrorSummary,
  secretValues,
} from '../../../../src/sender/internal/masked-error-summary.js';

describe('LogThrottle', () => {
  it('admit: the first line of a key at once, the same key for a minute held back, then one line with the count', () => {
    const throttle = new LogThrottle();
    expect(throttle.admit('blocked wh_1', 0)).toBe(0);
    expect(throttle.admit('blocked wh_1', 1)).toBe(-1);
    expect(throttle.admit('blocked wh_2', 1)).toBe(0);
    expect(throttle.admit('blocked wh_1', LOG_REPEAT_WINDOW_MS - 1)).toBe(-1);
    expect(throttle.admit('blocked wh_1', LOG_REPEAT_WINDOW_MS)).toBe(2);
    expect(throttle.admit('blocked wh_1', LOG_REPEAT_WINDOW_MS + 1)).toBe(-1);
    expect(throttle.admit('blocked wh_1', 3 * LOG_REPEAT_WINDOW_MS)).toBe(1);
  });

  it('a clock that went back starts a new window rather than holding lines back longer', () => {
    const throttle = new LogThrottle();
    expect(throttle.admit('k', 1_000_000)).toBe(0);
    expect(throttle.admit('k', 5)).toBe(0);
  });

  it('property: over any run of times for one key, lines written + lines held back = calls, and written lines are a window apart', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 * LOG_REPEAT_WINDOW_MS }), { maxLength: 200 }),
        (steps) => {
          const throttle = new LogThrottle();
          let nowMs = 0;
          let written = 0;
          let reported = 0;
          let lastWrittenMs = Number.NEGATIVE_INFINITY;
          for (const step of steps) {
            nowMs += step;
            const suppressed = throttle.admit('k', nowMs);
            if (suppressed >= 0) {
              expect(nowMs - lastWrittenMs).toBeGreaterThanOrEqual(LOG_REPEAT_WINDOW_MS);
              lastWrittenMs = nowMs;
              written++;
              reported += suppressed;
            }
          }
          const heldSinceLast = steps.length - written - reported;
          expect(heldSinceLast).toBeGreaterThanOrEqual(0);
          expect(throttle.admit('k', nowMs + LOG_REPEAT_WINDOW_MS)).toBe(
            steps.length === 0 ? 0 : heldSinceLast,
          );
        },
      ),
    );
  });
});

describe('maskedErrorSummary', () => {
  const secret = 'whsec_masked_secret_0123456789';
  const mac = 'a'.repeat(16) + 'b'.repeat(48);
  const header = `t=1790000000,v1=${mac}`;

  it('masks the secrets and each signature header and its MACs in the name, code and message', () => {
    const error = Object.assign(new Error(`failed ${header} and ${mac} with ${secret}`), {
      code: `E_${secret}`,
    });
    const hidden = secretValues([secret], {
      'Content-Type': 'application/json',
      'X-Novatrade-Signature': header,
    });
    const summary = maskedErrorSummary(error, hidden);
    expect(summary).toEqual({
      name: 'Error',
      code: expect.stringContaining('[redacted]'),
      message: 'failed [redacted] and [redacted] with [redacted]',
    });
    expect(JSON.stringify(summary)).not.toContain(secret);
    expect(JSON.stringify(summary)).not.toContain(mac);
  });

  it('masks before the message is cut at 500 characters: no part of a secret survives at the cut', () => {
    const error = new Error(`${'x'.repeat(490)}${secret}`);
    const summary = maskedErrorSummary(error, [secret]);
    expect(summary.message).not.toContain(secret.slice(0, 10));
  });

  it('a thrown value that is not an error -> its type only', () => {
    expect(maskedErrorSummary(secret, [secret])).toEqual({ name: 'a string of 30 characters' });
  });
});
