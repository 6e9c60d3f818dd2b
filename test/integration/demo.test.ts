// `npm run demo` is the README's first command: run it as a user would and check what it shows.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

describe('examples/demo.ts', () => {
  it('runs to completion and shows matching, verification, rejections and the retry schedule', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'examples/demo.ts'],
      {
        cwd: root,
        timeout: 60_000,
      },
    );
    expect(stdout).toContain('compliance.status_changed');
    expect(stdout.match(/✓/g)?.length).toBe(9); // 10 types, one without a subscriber for its partner
    expect(stdout).toMatch(/kyc\.verification_completed\s+22222222…\s+— no subscriber/);
    for (const code of [
      'signature_mismatch',
      'timestamp_too_old',
      'invalid_payload_type',
      'missing_header',
    ]) {
      expect(stdout).toContain(`rejected: ${code}`);
    }
    expect(stdout).not.toContain('unexpected');
    expect(stdout).toContain(
      '11 attempts at +0, +1m, +5m, +15m, +1h, +4h, +8h, +16h, +24h, +36h, +48h',
    );
    expect(stdout).toContain('pause after 20 consecutive failed attempts');
    // 5. the receiver over real loopback HTTP
    expect(stdout).toMatch(/delivery\s+200 processed/);
    expect(stdout).toMatch(/same delivery again \(a retry\)\s+200 duplicate, handlers not run/);
    expect(stdout).toMatch(/tampered body\s+401 signature_mismatch/);
    expect(stdout).toMatch(/an event type added later\s+200 processed/);
    expect(stdout).toContain(
      'handlers ran: compliance.decision_made (typed: 00000000…); onAny compliance.decision_made; onAny order.created',
    );
    // 6. the sender engine round trip
    expect(stdout).toContain('all 10 types published: A received 10 (10 types)');
    expect(stdout).toMatch(
      /endpoint B PAUSED after 20 consecutive failed attempts \(CONSECUTIVE_FAILURES\)/,
    );
    expect(stdout).toContain('A received webhook.endpoint_auto_paused: true');
    const replayed = Number(
      /B fixed and resumed; (\d+) failed deliveries replayed/.exec(stdout)?.[1],
    );
    expect(replayed).toBeGreaterThan(0);
    // Every replay was delivered and nothing is left pending.
    expect(stdout).toMatch(new RegExp(`\\n  B\\s+${replayed}\\s+${replayed}\\s+0\\n`));
    expect(stdout).toMatch(/\n {2}A\s+\d+\s+0\s+0\n/);
  });
});
