// The CLI end to end, every piece a real child process: `serve` on PGlite (its data directory
// restored from the cached migrated dump, so no initdb runs) delivers an event ingested over
// HTTP to `listen`, which prints it and forwards it unchanged to a test receiver that verifies
// it with the endpoint's secret; the delivery's history says DELIVERED. Then `trigger` fires a
// signed sample at the same `listen`, which prints it too.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../../helpers/cli.js';
import { restorePGliteDataDir } from '../../helpers/postgres/pglite.js';
import type { ChildScript } from '../../helpers/processes/child-process.js';
import {
  type LoopbackReceiver,
  startLoopbackReceiver,
} from '../../helpers/processes/loopback-receiver.js';
import { waitUntil } from '../../helpers/processes/wait-until.js';

const API_KEY = `e2e_${randomUUID().replaceAll('-', '')}`;
const ORGANIZATION = randomUUID();
const SECRET = `whsec_e2e_${randomUUID().replaceAll('-', '')}`;
const PARTNER = randomUUID();
const WAIT = { timeoutMs: 60_000 };

const children: ChildScript[] = [];
const directories: string[] = [];
let receiver: LoopbackReceiver | undefined;

afterAll(async () => {
  for (const child of children) await child.kill9();
  await receiver?.close();
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

/**
 * A data directory for `serve` whose `pglite/` is the cached migrated dump: `serve` opens it as
 * an existing database (its migrations are already applied) in well under a second.
 */
async function preparedDataDir(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nw-e2e-data-'));
  directories.push(dataDir);
  await restorePGliteDataDir(join(dataDir, 'pglite'));
  return dataDir;
}

/** A call to the management API `serve` answers, with the demo key. */
async function api(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ readonly status: number; readonly json: Record<string, unknown> }> {
  const headers: Record<string, string> = { authorization: `Bearer ${API_KEY}` };
  if (method !== 'GET') {
    headers['idempotency-key'] = randomUUID();
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? {} : JSON.parse(text) };
}

describe('serve, listen and trigger end to end', () => {
  it('serve delivers an ingested event to listen, which prints it and forwards it verified; trigger reaches listen too', async () => {
    receiver = await startLoopbackReceiver();
    receiver.setSecret('app', SECRET);

    const serve = startCli(
      [
        'serve',
        '--data-dir',
        await preparedDataDir(),
        '--api-key',
        `${API_KEY}=${ORGANIZATION}`,
        '--allow-private-networks',
        '--port',
        '0',
        '--log-format',
        'json',
      ],
      { name: 'serve' },
    );
    children.push(serve);
    const listen = startCli(
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
    );
    children.push(listen);
    const [serveStart, listenStart] = await Promise.all([
      serve.waitForMessage((m) => m.msg === 'listening', {
        ...WAIT,
        what: "serve's listening line",
      }),
      listen.waitForMessage((m) => m.msg === 'listening', {
        ...WAIT,
        what: "listen's listening line",
      }),
    ]);
    const base = String(serveStart.url);
    const listenUrl = String(listenStart.url);

    // The endpoint for listen, with listen's secret (the API takes the caller's own secret).
    const created = await api(base, 'POST', '/v1/webhooks', {
      url: listenUrl,
      events: ['compliance.*', 'kyc.*'],
      secret: SECRET,
    });
    expect(created.status).toBe(201);
    const endpointId = String(created.json.id);

    const published = await api(base, 'POST', '/v1/events', {
      type: 'compliance.decision_made',
      partnerUuid: PARTNER,
      data: {
        orderUuid: randomUUID(),
        decision: 'VAT_APPLICABLE',
      },
    });
    expect(published.status, JSON.stringify(published.json)).toBe(202);
    expect(published.json.deliveries).toBe(1);
    const eventId = String(published.json.id);

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
      () => receiver?.requests.find((r) => r.eventId === eventId && r.status === 204),
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
        const data = page.json.data as { eventId: string; status: string }[] | undefined;
        return data?.find((d) => d.eventId === eventId && d.status === 'DELIVERED');
      },
      { what: 'the DELIVERED delivery in the history', timeoutMs: 20_000, intervalMs: 250 },
    );
    expect(history.status).toBe('DELIVERED');

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

    expect(await listen.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(await serve.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(serve.messages.at(-1)).toMatchObject({ msg: 'stopped' });
  }, 120_000);
});
