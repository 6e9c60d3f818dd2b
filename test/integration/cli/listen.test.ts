// `novatrade-webhooks listen` as a real child process: it prints a signed event, refuses a forged
// one with the receiver's reason code, forwards to two loopback targets by their --events
// filters (the targets verify the forwarded requests with the same secret), keeps its generated
// secret across two runs (the one --print-secret prints), and exits 0 on SIGINT and SIGTERM.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSampleEvent, type SignableEvent } from '../../../src/testing/index.js';
import { runCli, startCli } from '../../helpers/cli.js';
import {
  forwardArgs,
  forwardedRows,
  loopbackTargets,
  postSigned,
} from '../../helpers/listen-forwarding.js';
import type { ChildScript } from '../../helpers/processes/child-process.js';

const SECRET = 'whsec_listen_integration_secret_01';
const WAIT = { timeoutMs: 45_000 };

// Each child compiles the CLI with tsx first (1 to 3 s on a shared 2-core machine).
vi.setConfig({ testTimeout: 60_000 });

const children = new Set<ChildScript>();
const targets = loopbackTargets();

afterEach(async () => {
  for (const child of children) await child.kill9();
  children.clear();
});

/** Starts `listen --port 0 --format json …args` and resolves with it and its URL. */
async function startListen(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ readonly child: ChildScript; readonly url: string }> {
  const child = startCli(['listen', '--port', '0', '--format', 'json', ...args], {
    name: 'listen',
    env,
  });
  children.add(child);
  const listening = await child.waitForMessage((m) => m.msg === 'listening', {
    ...WAIT,
    what: 'the listening line',
  });
  return { child, url: String(listening.url) };
}

const send = (url: string, event: SignableEvent, secret: string) =>
  postSigned(url, event, { secret });

describe('listen as a process', () => {
  it('prints a signed event, refuses a forged one with its reason code, and exits 0 on SIGINT', async () => {
    const { child, url } = await startListen(['--secret', SECRET]);
    const event = createSampleEvent('compliance.status_changed', { id: 'evt_listen_it_1' });
    expect((await send(url, event, SECRET)).status).toBe(200);
    const printed = await child.waitForMessage((m) => m.id === event.id, {
      ...WAIT,
      what: 'the event line',
    });
    expect(printed).toMatchObject({
      type: 'compliance.status_changed',
      partnerUuid: event.partnerUuid,
      createdAt: event.createdAt,
      data: event.data,
    });

    const forged = await send(url, event, 'whsec_not_the_listen_secret_00000');
    expect(forged.status).toBe(401);
    const refused = await child.waitForMessage((m) => m.msg === 'refused', {
      ...WAIT,
      what: 'the refused line',
    });
    expect(refused).toEqual({
      msg: 'refused',
      method: 'POST',
      path: '/',
      status: 401,
      code: 'signature_mismatch',
    });
    expect(child.lines.join('\n')).not.toContain(SECRET);

    expect(await child.stop('SIGINT')).toEqual({ code: 0, signal: null });
    expect(child.messages.at(-1)).toEqual({ msg: 'stopped', signal: 'SIGINT' });
  });

  it('forwards to two loopback targets by their --events filters; both verify with the same secret', async () => {
    const target = await targets.start();
    const { child, url } = await startListen([
      '--secret',
      SECRET,
      ...forwardArgs(target, SECRET, {
        kyc: ['kyc.*'],
        compliance: ['compliance.decision_made,compliance.status_changed'],
      }),
    ]);
    const sent = [
      createSampleEvent('kyc.vies_check_failed', { id: 'evt_it_kyc_1' }),
      createSampleEvent('compliance.decision_made', { id: 'evt_it_comp_1' }),
      createSampleEvent('kyc.verification_completed', { id: 'evt_it_kyc_2' }),
      createSampleEvent('export_file.generated', { id: 'evt_it_none' }),
    ];
    for (const event of sent) expect((await send(url, event, SECRET)).status).toBe(200);
    await child.waitForMessage((m) => m.id === 'evt_it_none', { ...WAIT, what: 'the last event' });

    expect(target.requests.map((r) => [r.endpointKey, r.eventId, r.signatureValid])).toEqual([
      ['kyc', 'evt_it_kyc_1', true],
      ['compliance', 'evt_it_comp_1', true],
      ['kyc', 'evt_it_kyc_2', true],
    ]);
    expect(forwardedRows(child.messages)).toEqual([
      ['evt_it_kyc_1', target.urlFor('kyc'), 204],
      ['evt_it_comp_1', target.urlFor('compliance'), 204],
      ['evt_it_kyc_2', target.urlFor('kyc'), 204],
    ]);
    expect(await child.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('keeps its generated secret across two runs, in a 0600 file; --print-secret prints the same value', async () => {
    const config = mkdtempSync(join(tmpdir(), 'nw-listen-it-config-'));
    const env = { XDG_CONFIG_HOME: config };
    const file = join(config, 'novatrade-webhooks', 'listen-secret');

    const first = await startListen([], env);
    const secret = readFileSync(file, 'utf8').trim();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.child.messages[0]).toMatchObject({
      secret: { source: 'file', path: file, created: true },
    });
    expect(first.child.lines.join('\n')).not.toContain(secret);
    expect(await first.child.stop('SIGINT')).toEqual({ code: 0, signal: null });

    const second = await startListen([], env);
    expect(second.child.messages[0]).toMatchObject({ secret: { source: 'file', created: false } });
    const event = createSampleEvent('prospect.submitted', { id: 'evt_it_secret_1' });
    expect((await send(second.url, event, secret)).status).toBe(200);
    await second.child.waitForMessage((m) => m.id === event.id, { ...WAIT, what: 'the event' });

    const printed = await runCli(['listen', '--print-secret'], { env });
    expect(printed).toMatchObject({ status: 0, stdout: `${secret}\n`, stderr: '' });
  });

  it('tells how to print the secret in its pretty start-up lines, without printing it', async () => {
    const config = mkdtempSync(join(tmpdir(), 'nw-listen-it-pretty-'));
    const child = startCli(['listen', '--port', '0'], {
      name: 'listen-pretty',
      env: { XDG_CONFIG_HOME: config },
    });
    children.add(child);
    await child.waitForLine((l) => l === 'Press Ctrl-C to stop.', {
      ...WAIT,
      what: 'the start-up lines',
    });
    const secret = readFileSync(join(config, 'novatrade-webhooks', 'listen-secret'), 'utf8').trim();
    expect(child.lines.join('\n')).not.toContain(secret);
    expect(child.lines).toContain(
      `Verifying with the secret kept in ${join(config, 'novatrade-webhooks', 'listen-secret')}, created now; show it with: novatrade-webhooks listen --print-secret`,
    );
    expect(await child.stop('SIGINT')).toEqual({ code: 0, signal: null });
  });
});
