// `novatrade-webhooks serve` on PGlite, as real child processes: the management API answers
// (create with its one-time secret, list, ingest, history DELIVERED) while the dispatcher
// delivers to a receiver that verifies every signature; /healthz and /metrics answer; a second
// serve on the same data directory is refused while the first keeps serving, and after kill -9
// of the first a new serve takes the stale lock over, with the data intact, and stops cleanly on
// SIGTERM; SIGTERM in the middle of a delivery exits 0 within the deadline and the restarted
// serve delivers what was pending. (Each serve start costs seconds on a busy 2-core machine, so
// one test covers several steps of one data directory's life.)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../../helpers/cli.js';
import { startLoopbackReceiver } from '../../helpers/processes/loopback-receiver.js';
import { waitUntil } from '../../helpers/processes/wait-until.js';
import {
  API_KEY,
  api,
  attemptLines,
  cleanUp,
  createEndpoint,
  ingest,
  metric,
  ORGANIZATION,
  preparedDataDir,
  startServe,
  startVerifyingReceiver,
  track,
  WAIT_MS,
} from './serve-harness.js';

afterAll(cleanUp);

/** `text` with the characters of a regular expression escaped. */
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('serve on PGlite', () => {
  it('answers the management routes and delivers ingested events, verified; /healthz and /metrics answer; a second serve is refused; after kill -9 a new serve takes over', async () => {
    const dataDir = await preparedDataDir();
    const receiver = await startVerifyingReceiver();
    try {
      const { child: serve, url } = await startServe(['--data-dir', dataDir], 'serve');
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const listening = serve.messages.find((m) => m.msg === 'listening');
      expect(listening).toMatchObject({
        level: 'info',
        database: { kind: 'pglite', path: join(dataDir, 'pglite') },
        profile: 'novatrade',
        pid: serve.pid,
        allowPrivateNetworks: true,
      });
      expect(JSON.parse(readFileSync(join(dataDir, 'serve.lock'), 'utf8'))).toMatchObject({
        pid: serve.pid,
      });

      // Credentials are required for the API, not for health and metrics.
      expect((await api(url, 'GET', '/v1/webhooks', undefined, null)).status).toBe(401);
      expect(
        (await api(url, 'GET', '/v1/webhooks', undefined, 'wrong_token_0123456789')).status,
      ).toBe(401);

      const created = await createEndpoint(url, receiver.url, ['compliance.decision_made']);
      expect(created.answer.headers.get('location')).toBe(`/v1/webhooks/${created.id}`);
      expect(created.secret).toMatch(/^whsec_/);
      receiver.setSecret(created.secret);
      const list = await api(url, 'GET', '/v1/webhooks');
      expect(list.status).toBe(200);
      expect(list.json).toEqual([
        expect.objectContaining({
          id: created.id,
          url: receiver.url,
          organizationUuid: ORGANIZATION,
        }),
      ]);
      expect(JSON.stringify(list.json)).not.toContain(created.secret);

      const eventIds = [
        await ingest(url, 'compliance.decision_made'),
        await ingest(url, 'compliance.decision_made'),
        await ingest(url, 'compliance.decision_made'),
      ];
      // A type the endpoint does not subscribe to makes no delivery.
      await ingest(url, 'kyc.verification_completed');
      await waitUntil(() => receiver.eventIds.length >= 3, {
        what: 'three verified deliveries',
        timeoutMs: WAIT_MS,
        progress: () => `${receiver.eventIds.length} received`,
      });
      expect([...receiver.eventIds].sort()).toEqual([...eventIds].sort());

      // One attempt line per delivery, json, with the endpoint's origin only.
      await waitUntil(() => attemptLines(serve).length >= 3, {
        what: 'three attempt lines',
        timeoutMs: WAIT_MS,
      });
      const origin = new URL(receiver.url).origin;
      for (const line of attemptLines(serve)) {
        expect(line).toMatchObject({
          level: 'info',
          ok: true,
          httpStatus: 200,
          failureReason: null,
          eventType: 'compliance.decision_made',
          endpointId: created.id,
          origin,
          attempt: 1,
          deliveryStatus: 'DELIVERED',
          nextRetryAt: null,
        });
        expect(eventIds).toContain(line.eventId);
      }
      expect(serve.lines.join('\n')).not.toContain('/hooks');

      const history = await api(url, 'GET', `/v1/webhooks/${created.id}/deliveries`);
      expect(history.status).toBe(200);
      const deliveries = (
        history.json as { data: { eventId: string; status: string; httpStatus: number }[] }
      ).data;
      expect(deliveries.map((d) => d.eventId).sort()).toEqual([...eventIds].sort());
      for (const delivery of deliveries)
        expect(delivery).toMatchObject({ status: 'DELIVERED', httpStatus: 200 });

      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      expect(
        await metric(
          url,
          'webhooks_deliveries_attempted_total{outcome="success",status_class="2xx"}',
        ),
      ).toBe(3);
      expect(
        await metric(url, 'webhooks_events_published_total{type="compliance.decision_made"}'),
      ).toBe(3);
      expect(
        await metric(url, 'webhooks_events_published_total{type="kyc.verification_completed"}'),
      ).toBe(1);
      expect(await metric(url, 'webhooks_attempt_duration_seconds_count')).toBe(3);

      // A second serve on the same data directory is refused, and the first keeps serving.
      const refused = await runCli([
        'serve',
        '--data-dir',
        dataDir,
        '--port',
        '0',
        '--api-key',
        `${API_KEY}=${ORGANIZATION}`,
      ]);
      expect(refused.status).toBe(1);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toMatch(
        new RegExp(
          `^error: the data directory ${escapeRegExp(dataDir)} is in use by another serve \\(pid ${serve.pid}, started \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\)\\.\\n`,
        ),
      );
      expect(refused.stderr).toContain('Stop that serve first, or pass another --data-dir');
      expect(refused.stderr).not.toContain(API_KEY);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await api(url, 'GET', `/v1/webhooks/${created.id}`)).status).toBe(200);
      expect(serve.stderr()).toBe('');
      expect(serve.lines.join('\n')).not.toContain(API_KEY);

      // kill -9: the lock stays behind, stale; the next serve takes it over, with the data intact.
      await serve.kill9();
      expect(JSON.parse(readFileSync(join(dataDir, 'serve.lock'), 'utf8'))).toMatchObject({
        pid: serve.pid,
      });
      const next = await startServe(['--data-dir', dataDir], 'serve-next');
      expect(JSON.parse(readFileSync(join(dataDir, 'serve.lock'), 'utf8'))).toMatchObject({
        pid: next.child.pid,
      });
      expect((await fetch(`${next.url}/healthz`)).status).toBe(200);
      const again = await api(next.url, 'GET', `/v1/webhooks/${created.id}/deliveries`);
      expect((again.json as { data: { status: string }[] }).data.map((d) => d.status)).toEqual([
        'DELIVERED',
        'DELIVERED',
        'DELIVERED',
      ]);
      // Nothing was delivered twice: the new serve found nothing pending. A marker event, once
      // delivered, shows that its dispatcher has run (anything pending was due before it).
      const marker = await ingest(next.url, 'compliance.decision_made');
      await waitUntil(() => receiver.eventIds.includes(marker), {
        what: 'the marker event delivered by the new serve',
        timeoutMs: WAIT_MS,
      });
      expect([...receiver.eventIds].sort()).toEqual([...eventIds, marker].sort());

      // SIGTERM: it stops cleanly and releases the lock.
      expect(await next.child.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      expect(next.child.messages.slice(-2).map((m) => m.msg)).toEqual(['stopping', 'stopped']);
      expect(existsSync(join(dataDir, 'serve.lock'))).toBe(false);
    } finally {
      await receiver.close();
    }
  }, 120_000);

  it('on SIGTERM mid-delivery exits 0 within the deadline; restarted on the same data directory, it delivers what was pending', async () => {
    const dataDir = await preparedDataDir();
    // The first request of each delivery is held open (far past the test); later ones are 204.
    const receiver = await startLoopbackReceiver({
      behaviour: (request) =>
        request.signatureValid !== true
          ? { status: 400 }
          : request.nth === 0
            ? { status: 204, delayMs: 120_000 }
            : { status: 204 },
    });
    try {
      // Pretty lines this time: the listening line says where.
      const first = track(
        startCli(
          [
            'serve',
            '--data-dir',
            dataDir,
            '--port',
            '0',
            '--api-key',
            `${API_KEY}=${ORGANIZATION}`,
            '--allow-private-networks',
            '--no-rate-limit',
            '--shutdown-timeout',
            '1000',
          ],
          { name: 'serve-1' },
        ),
      );
      const line = await first.waitForLine((l) => l.startsWith('listening on '), {
        timeoutMs: WAIT_MS,
        what: 'its listening line',
      });
      const url = /^listening on (http:\/\/127\.0\.0\.1:\d+) /.exec(line)?.[1] as string;
      expect(url).toBeDefined();
      expect(first.lines.join('\n')).toContain(
        `database        PGlite in ${join(dataDir, 'pglite')}`,
      );

      const endpoint = await createEndpoint(url, receiver.urlFor('held'), ['compliance.*']);
      receiver.setSecret('held', endpoint.secret);
      const eventId = await ingest(url, 'compliance.decision_made');
      await waitUntil(() => receiver.requests.find((r) => r.eventId === eventId), {
        what: 'the held request',
        timeoutMs: WAIT_MS,
      });

      const stopped = performance.now();
      expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      // The deadline (1 s), then closing the database: far less than the held request's 120 s
      // (the bound is wide for a busy machine).
      expect(performance.now() - stopped).toBeLessThan(20_000);
      expect(first.lines.some((l) => l.includes('stopping (SIGTERM)'))).toBe(true);
      expect(first.lines.at(-1)).toBe('stopped');
      // The aborted attempt was released, not recorded: no attempt line.
      expect(first.lines.some((l) => l.includes(eventId))).toBe(false);

      const second = await startServe(['--data-dir', dataDir], 'serve-2');
      const attempt = await second.child.waitForMessage(
        (m) => m.msg === 'delivery attempt' && m.eventId === eventId,
        { timeoutMs: WAIT_MS, what: 'the pending delivery' },
      );
      expect(attempt).toMatchObject({ ok: true, httpStatus: 204, deliveryStatus: 'DELIVERED' });
      const requests = receiver.requests.filter((r) => r.eventId === eventId);
      expect(requests.map((r) => r.status)).toEqual([undefined, 204]);
      expect(requests[0]?.hungUp).toBe(true);
      const history = await api(second.url, 'GET', `/v1/webhooks/${endpoint.id}/deliveries`);
      expect((history.json as { data: { status: string }[] }).data).toEqual([
        expect.objectContaining({ eventId, status: 'DELIVERED' }),
      ]);
      expect(await second.child.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    } finally {
      await receiver.close();
    }
  }, 120_000);
});
