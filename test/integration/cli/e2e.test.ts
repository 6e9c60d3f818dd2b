// The CLI end to end, every piece a real child process, on each database: `serve` on PGlite (its
// data directory restored from the cached migrated dump, so no initdb runs) and on PostgreSQL (a
// schema of this file's own, migrated by serve at start, dropped afterwards) delivers an event
// ingested over HTTP to `listen`, which prints it and forwards it unchanged to a test receiver
// that verifies it with the endpoint's secret; the delivery's history says DELIVERED. Then (once,
// with PGlite: it does not involve serve) `trigger` fires a signed sample at the same `listen`,
// which prints it too.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../../helpers/cli.js';
import {
  TEST_DATABASE_URL,
  usePostgresTestDatabase,
} from '../../helpers/postgres/real-postgres.js';
import {
  type LoopbackReceiver,
  startLoopbackReceiver,
} from '../../helpers/processes/loopback-receiver.js';
import { waitUntil } from '../../helpers/processes/wait-until.js';
import { api, cleanUp, ORGANIZATION, preparedDataDir, startServe, track } from './serve-harness.js';

const SECRET = `whsec_e2e_${randomUUID().replaceAll('-', '')}`;
const PARTNER = randomUUID();
const WAIT = { timeoutMs: 60_000 };

// This file's PostgreSQL schema (serve migrates it); dropped after the file.
const db = usePostgresTestDatabase();
const receivers: LoopbackReceiver[] = [];

afterAll(async () => {
  await cleanUp();
  for (const receiver of receivers) await receiver.close();
});

/** Each database `serve` runs on: its kind, arguments, and whether the case also runs `trigger`. */
const DATABASES = [
  {
    name: 'PGlite',
    kind: 'pglite',
    args: async () => ['--data-dir', await preparedDataDir()],
    trigger: true,
  },
  {
    name: 'PostgreSQL',
    kind: 'postgres',
    args: async () => ['--database-url', TEST_DATABASE_URL, '--schema', db().schema],
    trigger: false,
  },
] as const;

describe.each(
  DATABASES.map((database) => [database.name, database] as const),
)('serve on %s, listen and trigger end to end', (_name, database) => {
  it(`serve delivers an ingested event to listen, which prints it and forwards it verified${database.trigger ? '; trigger reaches listen too' : ''}`, async () => {
    const receiver = await startLoopbackReceiver();
    receivers.push(receiver);
    receiver.setSecret('app', SECRET);

    const listen = track(
      startCli(
        [
          'listen',
          '--port',
          '0',
          '--format',
          'json',
          '--secret',
          SECRET,
          '--forward-to',
          receiver.urlFor('app'),
        ],
        { name: 'listen' },
      ),
    );
    const [{ child: serve, url: base }, listenStart] = await Promise.all([
      startServe(await database.args(), `serve-${database.name}`),
      listen.waitForMessage((m) => m.msg === 'listening', {
        ...WAIT,
        what: "listen's listening line",
      }),
    ]);
    const listenUrl = String(listenStart.url);
    expect(serve.messages.find((m) => m.msg === 'listening')?.database).toMatchObject({
      kind: database.kind,
    });

    // The endpoint for listen, with listen's secret (the API takes the caller's own secret).
    const created = await api(base, 'POST', '/v1/webhooks', {
      url: listenUrl,
      events: ['compliance.*', 'kyc.*'],
      secret: SECRET,
    });
    expect(created.status).toBe(201);
    const endpointId = (created.json as { id: string }).id;

    const published = await api(base, 'POST', '/v1/events', {
      type: 'compliance.decision_made',
      partnerUuid: PARTNER,
      data: {
        orderUuid: randomUUID(),
        decision: 'VAT_APPLICABLE',
      },
    });
    expect(published.status, JSON.stringify(published.json)).toBe(202);
    const { deliveries, id: eventId } = published.json as { deliveries: number; id: string };
    expect(deliveries).toBe(1);

    // listen printed the event as the endpoint received it…
    const printed = await listen.waitForMessage((m) => m.id === eventId, {
      ...WAIT,
      what: 'the ingested event on listen',
    });
    expect(printed).toMatchObject({
      type: 'compliance.decision_made',
      organizationUuid: ORGANIZATION,
      partnerUuid: PARTNER,
      data: { decision: 'VAT_APPLICABLE' },
    });
    // …forwarded it to the test receiver, which verified the same bytes with the same secret…
    await waitUntil(
      () => receiver.requests.find((r) => r.eventId === eventId && r.status === 204),
      {
        what: 'the forwarded delivery at the test receiver',
        timeoutMs: 20_000,
      },
    );
    expect(receiver.requests.find((r) => r.eventId === eventId)?.signatureValid).toBe(true);
    // …and serve logged the attempt and recorded the delivery as DELIVERED.
    const attempt = await serve.waitForMessage(
      (m) => m.msg === 'delivery attempt' && m.eventId === eventId,
      { ...WAIT, what: "serve's attempt line" },
    );
    expect(attempt).toMatchObject({ ok: true, httpStatus: 200, deliveryStatus: 'DELIVERED' });
    const history = await waitUntil(
      async () => {
        const page = await api(base, 'GET', `/v1/webhooks/${endpointId}/deliveries`);
        const { data } = page.json as { data?: { eventId: string; status: string }[] };
        return data?.find((d) => d.eventId === eventId && d.status === 'DELIVERED');
      },
      { what: 'the DELIVERED delivery in the history', timeoutMs: 20_000, intervalMs: 250 },
    );
    expect(history.status).toBe('DELIVERED');

    if (database.trigger) {
      // trigger, signed with the same secret, reaches listen directly.
      const triggered = await runCli([
        'trigger',
        'kyc.vies_check_failed',
        '--url',
        listenUrl,
        '--secret',
        SECRET,
        '--json',
      ]);
      expect(triggered.status, triggered.stderr).toBe(0);
      await listen.waitForMessage((m) => m.type === 'kyc.vies_check_failed', {
        ...WAIT,
        what: 'the triggered event on listen',
      });
    }

    expect(await listen.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(await serve.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(serve.messages.at(-1)).toMatchObject({ msg: 'stopped' });
  }, 120_000);
});
