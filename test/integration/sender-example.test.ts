// examples/sender-basic.ts, exercised as users run it: in process through its exported `main()`,
// and as its own Node process (`node --import tsx examples/sender-basic.ts`), over real HTTP on
// 127.0.0.1 with the real HttpTransport and the receiver SDK verifying the signature.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from '../../examples/sender-basic.js';

const root = join(import.meta.dirname, '..', '..');

describe('examples/sender-basic.ts', () => {
  it('main() delivers the published event once, and the receiver gets it verified and typed', async () => {
    const lines: string[] = [];
    const { received, delivery, publishedEventId } = await main({ log: (l) => lines.push(l) });

    // The receiver's handler runs only after the signature, the replay window and the envelope
    // were checked: reaching it means the event arrived verified.
    expect(received).toMatchObject({
      id: publishedEventId,
      type: 'compliance.decision_made',
      schemaVersion: 1,
      source: 'SYSTEM',
      organizationUuid: '550e8400-e29b-41d4-a716-446655440000',
      partnerUuid: '11111111-2222-3333-4444-555555555555',
      data: { orderUuid: '7c9e6679-7425-40de-944b-e07fc1f90ae7', decision: 'VALID_EXPORT' },
    });
    expect(delivery).toMatchObject({
      eventId: publishedEventId,
      status: 'DELIVERED',
      attempts: 1,
      httpStatus: 200,
      lastFailureReason: null,
      failureReason: null,
    });
    expect(lines).toEqual([
      expect.stringMatching(/^sender: published evt_\w+ to 1 endpoint\(s\)$/),
      'receiver: compliance.decision_made for order 7c9e6679-7425-40de-944b-e07fc1f90ae7: VALID_EXPORT',
      expect.stringMatching(/^sender: del_\w+ to wh_\w+ DELIVERED after 1 attempt\(s\), HTTP 200$/),
    ]);
  });

  it('runs to completion when executed directly', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'examples/sender-basic.ts'],
      { cwd: root, timeout: 30_000 },
    );
    expect(stderr).toBe('');
    expect(stdout).toContain('receiver: compliance.decision_made for order');
    expect(stdout).toMatch(/DELIVERED after 1 attempt\(s\), HTTP 200/);
  });
});
