// `trigger` as a real child process against servers on 127.0.0.1: the SDK's WebhookReceiver with
// the same secret accepts the event (so its body and signature are a real delivery's), a
// receiver answering 500 makes it fail (exit 1), and so does a port nothing listens on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import {
  type AcceptedEvent,
  closedPortUrl,
  type LoopbackServer,
  startAnsweringServer,
  startProfileReceiver,
} from '../../unit/cli/loopback-receivers.js';

const SECRET = 'whsec_cli_trigger_integration_01';

let receiver: LoopbackServer & { accepted: AcceptedEvent[] };
let failing: LoopbackServer;

beforeAll(async () => {
  [receiver, failing] = await Promise.all([
    startProfileReceiver('novatrade', SECRET),
    startAnsweringServer(() => ({ status: 500, body: 'down for maintenance' })),
  ]);
});

afterAll(async () => {
  await Promise.all([receiver.close(), failing.close()]);
});

describe('trigger (child processes)', () => {
  it(
    'a WebhookReceiver with the same secret accepts it (exit 0); a 500 and a closed port fail (exit 1)',
    { timeout: 120_000 },
    async () => {
      const closed = await closedPortUrl();
      const data = JSON.stringify({
        orderUuid: '3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03',
        decision: 'VAT_APPLICABLE',
      });
      const [accepted, refused, unreachable] = await Promise.all([
        runCli([
          'trigger',
          'compliance.decision_made',
          '--url',
          receiver.url,
          '--secret',
          SECRET,
          '--data',
          data,
        ]),
        runCli(['trigger', 'kyc.vies_check_failed', '--url', failing.url, '--secret', SECRET]),
        runCli(['trigger', 'kyc.vies_check_failed', '--url', closed, '--secret', SECRET]),
      ]);

      expect(accepted.status, accepted.stderr).toBe(0);
      expect(receiver.accepted).toHaveLength(1);
      const event = receiver.accepted[0] as AcceptedEvent;
      expect(event).toMatchObject({ type: 'compliance.decision_made', data: JSON.parse(data) });
      expect(accepted.stdout).toContain(
        `POST ${receiver.url}\n  compliance.decision_made ${event.id}\n`,
      );
      expect(accepted.stdout).toMatch(/\n200 OK in \d+ ms\n/);

      expect(refused.status).toBe(1);
      expect(refused.stdout).toMatch(
        /\n500 Internal Server Error in \d+ ms\n[\s\S]*\ndown for maintenance\n$/,
      );
      expect(refused.stderr).toContain('error: the handler answered 500');

      expect(unreachable.status).toBe(1);
      expect(unreachable.stderr).toContain('connection refused');
      for (const run of [accepted, refused, unreachable]) {
        expect(run.stdout + run.stderr).not.toContain(SECRET);
      }
    },
  );
});
