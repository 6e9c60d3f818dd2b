// A WebhookSender for the metrics and tracing tests (the Prometheus exporter, instrumentSender):
// MemoryStorage (or a given storage), a fake clock, silent logs, one endpoint whose URL path and
// query look like secrets, and a transport that answers from a script of attempts, so a test
// knows exactly which outcomes and durations it should count. `errors` records every
// `sender.error` (a hook listener that throws is swallowed by the sender and reported there).
import { NOVATRADE_PROFILE } from '../../src/core/profiles/novatrade-profile.js';
import { MemoryStorage } from '../../src/sender/memory-storage.js';
import type { SenderStorage } from '../../src/sender/ports/sender-storage.js';
import type { Transport, TransportResult } from '../../src/sender/ports/transport.js';
import { WebhookSender } from '../../src/sender/webhook-sender.js';
import { createFakeClock } from '../../src/testing/create-fake-clock.js';
import { EVENT_FIXTURES } from '../../src/testing/event-fixtures.js';
import { OK_204 } from './sender-doubles.js';

export const ORG = '550e8400-e29b-41d4-a716-446655440000';
export const PARTNER = '11111111-2222-3333-4444-555555555555';
export const DECISION = 'compliance.decision_made';
/** An endpoint URL whose path and query look like secrets: neither may reach a span or a metric. */
export const URL_WITH_SECRET = 'https://partner.example:8443/hooks/p4th-s3cr3t?token=q-s3cr3t';

/**
 * A transport answering from a script of `[status, duration ms]` (status 0: no response, a
 * timeout), one entry an attempt, then 204 in 1 ms once the script is used up.
 */
export function scriptedTransport(script: [status: number, durationMs: number][]): Transport {
  return {
    async send(): Promise<TransportResult> {
      const [status, durationMs] = script.shift() ?? [204, 1];
      if (status === 0) {
        return { ...OK_204, statusCode: null, failureReason: 'TIMEOUT', durationMs };
      }
      const ok = status >= 200 && status < 300;
      return { ...OK_204, statusCode: status, failureReason: ok ? null : 'HTTP_ERROR', durationMs };
    },
  };
}

/**
 * A sender with one endpoint at {@link URL_WITH_SECRET} subscribed to `compliance.*`;
 * `publish(n)` publishes n {@link DECISION} events, `errors` collects `sender.error`.
 */
export async function senderWith(
  transport: Transport,
  options: { storage?: SenderStorage; maxConsecutiveFailures?: number } = {},
) {
  const clock = createFakeClock();
  const sender = new WebhookSender({
    storage: options.storage ?? new MemoryStorage(),
    transport,
    clock,
    logger: 'silent',
    profile: {
      ...NOVATRADE_PROFILE,
      healthPolicy: {
        ...NOVATRADE_PROFILE.healthPolicy,
        maxConsecutiveFailures: options.maxConsecutiveFailures ?? 20,
      },
    },
  });
  const errors: unknown[] = [];
  sender.on('sender.error', ({ error, during }) => errors.push({ during, error }));
  const { endpoint, secret } = await sender.createEndpoint(ORG, {
    url: URL_WITH_SECRET,
    events: ['compliance.*'],
  });
  const publish = async (times = 1) => {
    for (let i = 0; i < times; i++) {
      await sender.publish({
        organizationUuid: ORG,
        type: DECISION,
        partnerUuid: PARTNER,
        data: { ...EVENT_FIXTURES[DECISION].data },
      });
    }
  };
  return { clock, sender, endpoint, secret, publish, errors };
}
