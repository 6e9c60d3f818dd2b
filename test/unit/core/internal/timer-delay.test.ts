// One longest-timer constant (src/core/internal/timer-delay.ts) and one rule per kind of timer
// value: the sender's profile.timeoutMs and the receiver's storeTimeoutMs are timer options (whole
// milliseconds, 1 to MAX_TIMER_MS); HttpTransport.send's timeoutMs has the same ends and codes but
// takes a fraction (a per-request duration at the port). Before, 2_147_483_647 was written three
// times, each with its own check.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ValidationIssueCode } from '../../../../src/core/errors.js';
import { integerIssueCode } from '../../../../src/core/internal/integer-option.js';
import { positiveNumberIssueCode } from '../../../../src/core/internal/number-option.js';
import { MAX_TIMER_MS, TIMER_OPTION_RANGE } from '../../../../src/core/internal/timer-delay.js';
import { NOVATRADE_PROFILE } from '../../../../src/core/profiles/novatrade-profile.js';
import { WebhookReceiver } from '../../../../src/receiver/index.js';
import { HttpTransport, WebhookSender } from '../../../../src/sender/index.js';
import { createRecordingTransport } from '../../../../src/testing/index.js';

const root = fileURLToPath(new URL('../../../..', import.meta.url));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The issue code a site gives `value`, or `undefined` when it accepts it. */
type Site = (value: number) => Promise<ValidationIssueCode | undefined>;

async function codeOf(run: () => unknown): Promise<ValidationIssueCode | undefined> {
  try {
    await run();
    return undefined;
  } catch (error) {
    return (error as { issues?: { code: ValidationIssueCode }[] }).issues?.[0]?.code;
  }
}

const sender: Site = (timeoutMs) =>
  codeOf(
    () =>
      new WebhookSender({
        transport: createRecordingTransport(),
        profile: { ...NOVATRADE_PROFILE, timeoutMs },
      }),
  );
const receiver: Site = (storeTimeoutMs) =>
  codeOf(() => new WebhookReceiver({ secret: 'whsec_timer_rule', storeTimeoutMs }));
const transport: Site = async (timeoutMs) => {
  const http = new HttpTransport();
  try {
    // A loopback literal with private networks refused: answered without a connection, once the
    // request's values are checked.
    return await codeOf(() =>
      http.send({ url: 'http://127.0.0.1:9/', body: '{}', headers: {}, timeoutMs }),
    );
  } finally {
    await http.close();
  }
};

describe('MAX_TIMER_MS', () => {
  it('is 2^31 - 1, the range of a timer option ends there', () => {
    expect(MAX_TIMER_MS).toBe(2 ** 31 - 1);
    expect(TIMER_OPTION_RANGE).toEqual({ min: 1, max: MAX_TIMER_MS });
  });

  it('is written once in src/ (comments aside)', () => {
    const found = filesUnder(join(root, 'src'))
      .filter((path) => path.endsWith('.ts'))
      .flatMap((path) =>
        readFileSync(path, 'utf8')
          .split('\n')
          .filter((line) => !/^\s*(?:\*|\/\/|\/\*\*)/.test(line))
          .filter((line) => /2_?147_?483_?647|2 \*\* 31 - 1/.test(line))
          .map(() => relative(root, path)),
      );
    expect(found).toEqual(['src/core/internal/timer-delay.ts']);
  });
});

describe('the three timers agree on the ends', () => {
  const sites: readonly [string, Site][] = [
    ['WebhookSender profile.timeoutMs', sender],
    ['WebhookReceiver storeTimeoutMs', receiver],
    ['HttpTransport.send timeoutMs', transport],
  ];

  it.each(
    sites,
  )('%s: 1 and MAX_TIMER_MS accepted; 0 too_small, MAX_TIMER_MS + 1 too_big', async (_, site) => {
    expect(await site(1)).toBeUndefined();
    expect(await site(MAX_TIMER_MS)).toBeUndefined();
    expect(await site(0)).toBe('too_small');
    expect(await site(MAX_TIMER_MS + 1)).toBe('too_big');
    expect(await site(Number.NaN)).toBe('invalid_type');
  });

  it('a fraction: the options refuse it (integer rule), the per-request timeout takes it', async () => {
    expect(await sender(1.5)).toBe(integerIssueCode(1.5, TIMER_OPTION_RANGE));
    expect(await receiver(1.5)).toBe('invalid_type');
    expect(await transport(1.5)).toBe(positiveNumberIssueCode(1.5, { max: MAX_TIMER_MS }));
    expect(await transport(1.5)).toBeUndefined();
  });
});
