// `novatrade-webhooks listen` in-process (runCli with a fake CliIo, port 0): what it prints and
// answers for signed, forged and repeated requests, forwarding with per-target filters to real
// loopback receivers that verify with the same secret, the 502 when a target fails, the
// remembered secret and --print-secret, usage errors (exit 2) and a stop on SIGINT (exit 0).

import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../../../../src/cli/internal/cli-error.js';
import { runCli } from '../../../../src/cli/main.js';
import {
  createSampleEudrEvent,
  createSampleEvent,
  createSignedRequest,
} from '../../../../src/testing/index.js';
import {
  forwardArgs,
  forwardedRows,
  loopbackTargets,
  postSigned,
} from '../../../helpers/listen-forwarding.js';
import { waitUntil } from '../../../helpers/processes/wait-until.js';
import { closedPortUrl } from '../loopback-receivers.js';
import { createFakeCliIo, type FakeCliIo } from './fake-cli-io.js';

const SECRET = 'whsec_listen_unit_test_secret_0001';

/** A running in-process `listen`. */
interface Running {
  readonly io: FakeCliIo;
  readonly url: string;
  /** Sends SIGINT and resolves with the exit status. */
  stop(): Promise<number>;
}

const running = new Set<Running>();
const targets = loopbackTargets();

afterEach(async () => {
  for (const run of running) await run.stop();
  running.clear();
});

/** Starts `listen --port 0 --format json …args` and waits for its `listening` line. */
async function startListen(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<Running> {
  const io = createFakeCliIo({ env });
  const status = runCli(['listen', '--port', '0', '--format', 'json', ...args], io.io);
  const started = await Promise.race([
    io.waitForMessage((m) => m.msg === 'listening', 'the listening line'),
    status.then((code) => {
      throw new Error(`listen ended with ${code} before listening:\n${io.stderr()}`);
    }),
  ]);
  const run: Running = {
    io,
    url: String(started.url),
    async stop() {
      running.delete(run);
      io.signal('SIGINT');
      return status;
    },
  };
  running.add(run);
  return run;
}

/** Whether a server can listen on `host` here. */
async function canBind(host: string): Promise<boolean> {
  const server = createServer();
  const bound = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(0, host, () => resolve(true));
  });
  if (bound) await new Promise<void>((resolve) => server.close(() => resolve()));
  return bound;
}

const IPV6_LOOPBACK = await canBind('::1');

function post(url: string, signed: { toFetchInit(): RequestInit }): Promise<Response> {
  return fetch(url, signed.toFetchInit());
}

describe('listen: receiving', () => {
  it('prints a signed event as its JSON line, answers 200, and says where it listens (the bound port)', async () => {
    const listen = await startListen(['--secret', SECRET]);
    expect(listen.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(listen.url).not.toContain(':0/');
    const event = createSampleEvent('compliance.decision_made', { id: 'evt_unit_print_1' });
    const response = await postSigned(listen.url, event, { secret: SECRET });
    expect(response.status).toBe(200);
    const printed = await listen.io.waitForMessage((m) => m.id === event.id, 'the event line');
    expect(printed).toEqual(JSON.parse(JSON.stringify(event)));
    expect(printed).not.toHaveProperty('msg');
    expect(await listen.stop()).toBe(EXIT_OK);
    expect(listen.io.messages().at(-1)).toEqual({ msg: 'stopped', signal: 'SIGINT' });
  });

  it('refuses a forged signature with the receiver answer (401) and a refused line with the reason code only', async () => {
    const listen = await startListen(['--secret', SECRET]);
    const forged = createSignedRequest(createSampleEvent('kyc.verification_completed'), {
      secret: 'whsec_some_other_secret_entirely_00',
    });
    const response = await post(listen.url, forged);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe('signature_mismatch');
    const refused = await listen.io.waitForMessage((m) => m.msg === 'refused', 'the refused line');
    expect(refused).toEqual({
      msg: 'refused',
      method: 'POST',
      path: '/',
      status: 401,
      code: 'signature_mismatch',
    });
    expect(listen.io.stdout()).not.toContain(SECRET);
    expect(listen.io.stdout()).not.toContain(forged.body);
  });

  it('answers a repeated event 200 as a duplicate, printed once', async () => {
    const listen = await startListen(['--secret', SECRET]);
    const signed = createSignedRequest(
      createSampleEvent('prospect.submitted', { id: 'evt_dup_1' }),
      {
        secret: SECRET,
      },
    );
    expect((await post(listen.url, signed)).status).toBe(200);
    const again = await post(listen.url, signed);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    await listen.io.waitForMessage((m) => m.msg === 'duplicate', 'the duplicate line');
    expect(listen.io.messages().filter((m) => m.id === 'evt_dup_1')).toHaveLength(1);
    expect(listen.io.messages()).toContainEqual({ msg: 'duplicate', eventId: 'evt_dup_1' });
  });

  it('answers 404 on any other path than --path, and prints it as refused', async () => {
    const listen = await startListen(['--secret', SECRET, '--path', '/webhooks']);
    expect(listen.url).toMatch(/\/webhooks$/);
    const signed = createSignedRequest(createSampleEvent('prospect.submitted'), { secret: SECRET });
    const response = await fetch(
      listen.url.replace('/webhooks', '/other?token=abc'),
      signed.toFetchInit(),
    );
    expect(response.status).toBe(404);
    const refused = await listen.io.waitForMessage((m) => m.msg === 'refused', 'the refused line');
    expect(refused).toEqual({
      msg: 'refused',
      method: 'POST',
      path: '/other',
      status: 404,
      code: 'not_found',
    });
    expect((await post(listen.url, signed)).status).toBe(200);
  });

  it('refuses a body over 1 MiB with 413 payload_too_large, and says so', async () => {
    const listen = await startListen(['--secret', SECRET]);
    const response = await fetch(listen.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(1024 * 1024 + 1),
    });
    expect(response.status).toBe(413);
    const refused = await listen.io.waitForMessage((m) => m.msg === 'refused', 'the refused line');
    expect(refused).toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  it('prints one pretty line per event, refusal and stop, with no colour off a terminal', async () => {
    const io = createFakeCliIo();
    const status = runCli(['listen', '--port', '0', '--secret', SECRET], io.io);
    const ready = await io.waitForLine(
      (l) => l.startsWith('Ready. Listening on '),
      'the ready line',
    );
    const url = /Listening on (\S+) /.exec(ready)?.[1] ?? '';
    expect(io.lines()).toContain('Verifying with the secret given by --secret.');
    const event = createSampleEvent('compliance.decision_made', { id: 'evt_pretty_1' });
    await postSigned(url, event, { secret: SECRET });
    await postSigned(url, event, { secret: 'whsec_wrong_wrong_wrong_wrong' });
    const line = await io.waitForLine((l) => l.includes('evt_pretty_1'), 'the event line');
    expect(line).toMatch(
      new RegExp(
        `^\\d\\d:\\d\\d:\\d\\d  compliance\\.decision_made  evt_pretty_1  partner=${event.partnerUuid}  orderUuid=`,
      ),
    );
    await io.waitForLine(
      (l) => /^\d\d:\d\d:\d\d {2}refused POST \/: 401 signature_mismatch$/.test(l),
      'the refused line',
    );
    io.signal('SIGTERM');
    expect(await status).toBe(EXIT_OK);
    expect(io.lines().at(-1)).toBe('Stopped (SIGTERM).');
    expect(io.stdout()).not.toContain('\u001b[');
  });

  // Some containers have no IPv6 loopback: the case needs one.
  it.skipIf(!IPV6_LOOPBACK)(
    'listens on IPv6 loopback with --host ::1, and says so with brackets',
    async () => {
      const listen = await startListen(['--secret', SECRET, '--host', '[::1]']);
      expect(listen.url).toMatch(/^http:\/\/\[::1\]:\d+\/$/);
      const signed = createSignedRequest(createSampleEvent('prospect.submitted'), {
        secret: SECRET,
      });
      expect((await post(listen.url, signed)).status).toBe(200);
    },
  );

  it('receives EUDR deliveries with --profile eudr', async () => {
    const listen = await startListen(['--secret', SECRET, '--profile', 'eudr']);
    const event = createSampleEudrEvent('supplier.created');
    const response = await postSigned(listen.url, event, { secret: SECRET, profile: 'eudr' });
    expect(response.status).toBe(200);
    const printed = await listen.io.waitForMessage(
      (m) => m.event === 'supplier.created',
      'the event line',
    );
    expect(printed).toMatchObject({
      event: 'supplier.created',
      integrationId: event.integrationId,
    });
  });
});

describe('listen: forwarding', () => {
  it('forwards each event unchanged to the targets whose --events take it; they verify with the same secret', async () => {
    const target = await targets.start();
    const listen = await startListen([
      '--secret',
      SECRET,
      ...forwardArgs(target, SECRET, {
        kyc: ['kyc.*'],
        rest: ['compliance.decision_made', 'export_file.*'],
      }),
    ]);
    expect(listen.io.messages()[0]).toMatchObject({
      forwardTo: [
        { url: target.urlFor('kyc'), events: ['kyc.*'] },
        { url: target.urlFor('rest'), events: ['compliance.decision_made', 'export_file.*'] },
      ],
    });
    const send = async (
      type: Parameters<typeof createSampleEvent>[0],
      id: string,
    ): Promise<number> =>
      (await postSigned(listen.url, createSampleEvent(type, { id }), { secret: SECRET })).status;
    expect(await send('kyc.verification_completed', 'evt_f_kyc')).toBe(200);
    expect(await send('compliance.decision_made', 'evt_f_decision')).toBe(200);
    expect(await send('export_file.generated', 'evt_f_export')).toBe(200);
    expect(await send('prospect.submitted', 'evt_f_none')).toBe(200);

    const seen = target.requests.map((r) => [r.endpointKey, r.eventId, r.signatureValid, r.status]);
    expect(seen).toEqual([
      ['kyc', 'evt_f_kyc', true, 204],
      ['rest', 'evt_f_decision', true, 204],
      ['rest', 'evt_f_export', true, 204],
    ]);
    expect(forwardedRows(listen.io.messages())).toEqual([
      ['evt_f_kyc', target.urlFor('kyc'), 204],
      ['evt_f_decision', target.urlFor('rest'), 204],
      ['evt_f_export', target.urlFor('rest'), 204],
    ]);
  });

  it('answers 502 forward_failed while a target fails, and forwards the retry of the same event again', async () => {
    const target = await targets.start();
    target.setSecret('flaky', SECRET);
    target.setBehaviour(() => ({ status: 500 }));
    const listen = await startListen(['--secret', SECRET, '--forward-to', target.urlFor('flaky')]);
    const signed = createSignedRequest(
      createSampleEvent('prospect.submitted', { id: 'evt_retry_1' }),
      {
        secret: SECRET,
      },
    );
    const first = await post(listen.url, signed);
    expect(first.status).toBe(502);
    expect(((await first.json()) as { code: string }).code).toBe('forward_failed');
    expect(listen.io.messages()).toContainEqual(
      expect.objectContaining({
        msg: 'answered',
        eventId: 'evt_retry_1',
        status: 502,
        failed: 1,
        of: 1,
      }),
    );
    target.setBehaviour((r) => ({ status: r.signatureValid ? 204 : 400 }));
    const retry = await post(listen.url, signed);
    expect(retry.status).toBe(200);
    expect(target.requests.map((r) => r.status)).toEqual([500, 204]);
  });

  it('reports a target that cannot be reached, with the reason', async () => {
    const listen = await startListen(['--secret', SECRET, '--forward-to', await closedPortUrl()]);
    const response = await postSigned(listen.url, createSampleEvent('prospect.submitted'), {
      secret: SECRET,
    });
    expect(response.status).toBe(502);
    const failed = await listen.io.waitForMessage(
      (m) => m.msg === 'forward_failed',
      'the failure line',
    );
    expect(String(failed.error)).toContain('ECONNREFUSED');
  });

  it('gives up on a target after the deadline', async () => {
    const target = await targets.start();
    target.setBehaviour(() => ({ status: 204, delayMs: 30_000 }));
    const { startListenServer } = await import('../../../../src/cli/listen/listen-server.js');
    const results: unknown[] = [];
    const server = await startListenServer({
      host: '127.0.0.1',
      port: 0,
      path: '/',
      secret: SECRET,
      profile: 'novatrade',
      targets: [{ url: target.urlFor('slow'), patterns: undefined }],
      forwardTimeoutMs: 200,
      reporter: {
        accepted: () => undefined,
        forwarded: (result) => results.push(result),
        forwardFailed: () => undefined,
        refused: () => undefined,
        duplicate: () => undefined,
      },
    });
    try {
      const response = await postSigned(server.url, createSampleEvent('prospect.submitted'), {
        secret: SECRET,
      });
      expect(response.status).toBe(502);
      expect(results).toEqual([
        expect.objectContaining({ url: target.urlFor('slow'), error: 'no answer within 0.2 s' }),
      ]);
    } finally {
      await server.close();
    }
  });
});

describe('listen: the secret', () => {
  it('generates a secret once, keeps it in $XDG_CONFIG_HOME, never prints it, and --print-secret prints it', async () => {
    const config = mkdtempSync(join(tmpdir(), 'nw-listen-config-'));
    const env = { XDG_CONFIG_HOME: config };
    const file = join(config, 'novatrade-webhooks', 'listen-secret');
    const listen = await startListen([], env);
    const secret = readFileSync(file, 'utf8').trim();
    expect(listen.io.messages()[0]).toMatchObject({
      secret: { source: 'file', path: file, created: true },
    });
    const response = await postSigned(listen.url, createSampleEvent('prospect.submitted'), {
      secret,
    });
    expect(response.status).toBe(200);
    expect(await listen.stop()).toBe(EXIT_OK);
    expect(listen.io.stdout()).not.toContain(secret);

    const print = createFakeCliIo({ env });
    expect(await runCli(['listen', '--print-secret'], print.io)).toBe(EXIT_OK);
    expect(print.stdout()).toBe(`${secret}\n`);

    const again = await startListen([], env);
    expect(again.io.messages()[0]).toMatchObject({
      secret: { source: 'file', path: file, created: false },
    });
  });

  it('the pretty start-up says where the secret is and how to print it, with --secret-file', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'nw-listen-file-'));
    const io = createFakeCliIo({ env: {} });
    const file = join(directory, 'my secret');
    const status = runCli(['listen', '--port', '0', '--secret-file', file], io.io);
    const line = await io.waitForLine((l) => l.startsWith('Verifying with'), 'the secret line');
    expect(line).toBe(
      `Verifying with the secret kept in ${file}, created now; show it with: novatrade-webhooks listen --secret-file '${file}' --print-secret`,
    );
    io.signal('SIGINT');
    expect(await status).toBe(EXIT_OK);
  });

  it('takes $NOVATRADE_WEBHOOKS_SECRET as trigger does; --secret and an explicit --secret-file win over it', async () => {
    const fromEnv = await startListen([], { NOVATRADE_WEBHOOKS_SECRET: SECRET });
    expect(fromEnv.io.messages()[0]).toMatchObject({ secret: { source: 'env' } });
    const event = createSampleEvent('prospect.submitted', { id: 'evt_env_1' });
    expect((await postSigned(fromEnv.url, event, { secret: SECRET })).status).toBe(200);

    const other = 'whsec_the_option_wins_over_the_env';
    const fromOption = await startListen(['--secret', other], {
      NOVATRADE_WEBHOOKS_SECRET: SECRET,
    });
    expect(fromOption.io.messages()[0]).toMatchObject({ secret: { source: 'option' } });
    expect((await postSigned(fromOption.url, event, { secret: other })).status).toBe(200);

    const file = join(mkdtempSync(join(tmpdir(), 'nw-listen-env-')), 'listen-secret');
    const fromFile = await startListen(['--secret-file', file], {
      NOVATRADE_WEBHOOKS_SECRET: SECRET,
    });
    expect(fromFile.io.messages()[0]).toMatchObject({ secret: { source: 'file', created: true } });
    expect(readFileSync(file, 'utf8').trim()).not.toBe(SECRET);

    const bad = createFakeCliIo({ env: { NOVATRADE_WEBHOOKS_SECRET: 'has a space' } });
    expect(await runCli(['listen', '--port', '0'], bad.io)).toBe(EXIT_USAGE);
    expect(bad.stderr()).toContain('The secret of $NOVATRADE_WEBHOOKS_SECRET cannot be used');
  });

  it('fails (exit 1) on a corrupt secret file, naming it', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'nw-listen-corrupt-'));
    const file = join(directory, 'listen-secret');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, 'two\nlines');
    const io = createFakeCliIo();
    expect(await runCli(['listen', '--port', '0', '--secret-file', file], io.io)).toBe(
      EXIT_FAILURE,
    );
    expect(io.stderr()).toContain(`error: The secret file ${file} does not hold a signing secret`);
    expect(io.stderr()).toContain('Delete it to have a new secret generated');
    expect(io.stderr()).not.toContain('two');
  });
});

describe('listen: the command line', () => {
  const usage: readonly (readonly [string, readonly string[], RegExp])[] = [
    [
      '--events before --forward-to',
      ['--events', 'kyc.*'],
      /--events filters the --forward-to before it/,
    ],
    [
      'the root wildcard',
      ['--forward-to', 'http://localhost:1/', '--events', '*'],
      /Leave --events out/,
    ],
    [
      'an unknown segment',
      ['--forward-to', 'http://localhost:1/', '--events', 'nope.*'],
      /--events of --forward-to http:\/\/localhost:1\//,
    ],
    [
      'an EUDR segment with the novatrade profile',
      ['--forward-to', 'http://localhost:1/', '--events', 'supplier.*'],
      /supplier/,
    ],
    [
      'a URL that is not http',
      ['--forward-to', 'ftp://example.com/'],
      /Expected an http:\/\/ or https:\/\/ URL/,
    ],
    [
      'a URL given twice',
      ['--forward-to', 'http://a.test/', '--forward-to', 'http://a.test/'],
      /given twice/,
    ],
    ['an empty pattern', ['--forward-to', 'http://a.test/', '--events', 'kyc.*,'], /no empty item/],
    ['a port out of range', ['--port', '70000'], /port number from 0 to 65535/],
    ['a path without /', ['--path', 'hooks'], /starting with "\/"/],
    [
      'a host that is no address or name',
      ['--host', 'not a host'],
      /Expected an IP address or a host name/,
    ],
    ['an unknown profile', ['--profile', 'stripe'], /Allowed choices are novatrade, eudr/],
    ['an unknown format', ['--format', 'yaml'], /Allowed choices are pretty, json/],
    [
      '--secret with --secret-file',
      ['--secret', SECRET, '--secret-file', '/tmp/x'],
      /cannot be used together/,
    ],
    ['a secret with a space', ['--secret', 'two words'], /The secret of --secret cannot be used/],
  ];
  it.each(usage)('refuses %s with exit 2 and a message', async (_name, args, message) => {
    const io = createFakeCliIo();
    expect(await runCli(['listen', '--port', '0', ...args], io.io)).toBe(EXIT_USAGE);
    expect(io.stderr()).toMatch(message);
    expect(io.stdout()).toBe('');
  });

  it('fails (exit 1) when the port is taken, saying what to do', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const io = createFakeCliIo();
      expect(await runCli(['listen', '--port', String(port), '--secret', SECRET], io.io)).toBe(
        EXIT_FAILURE,
      );
      expect(io.stderr()).toContain(
        `error: Cannot listen on 127.0.0.1:${port}: the port is in use.`,
      );
      expect(io.stderr()).toContain('--port 0');
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('shows examples in --help', async () => {
    const io = createFakeCliIo();
    expect(await runCli(['listen', '--help'], io.io)).toBe(EXIT_OK);
    expect(io.stdout()).toContain('Examples:');
    expect(io.stdout()).toContain("--forward-to http://localhost:3000/kyc --events 'kyc.*'");
  });

  it('closes its server on SIGINT: a request afterwards is refused at the socket', async () => {
    const listen = await startListen(['--secret', SECRET]);
    expect(await listen.stop()).toBe(EXIT_OK);
    await waitUntil(() => listen.io.messages().some((m) => m.msg === 'stopped'), {
      what: 'the stopped line',
      timeoutMs: 2_000,
    });
    // The server is closed: a new request is refused at the socket.
    await expect(fetch(listen.url, { method: 'POST' })).rejects.toThrow();
  });
});
