// `trigger` in process against receivers on 127.0.0.1: the SDK's own receiver of each profile
// accepts what it sends (so the body and signature are a delivery's), `--data` and `--partner`
// reach the envelope, and every refusal has its exit status: a usage error (2) for an unknown type
// or bad data, whose value is never printed; a failure (1) for a non-2xx answer, a closed port and
// a timeout. A property sends any valid event of each catalog through it.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET_ENV } from '../../../../src/cli/internal/signing-options.js';
import { createSampleEvent } from '../../../../src/core/catalog/sample-events.js';
import { generateStandardWebhookSecret } from '../../../../src/signature/generate-standard-webhook-secret.js';
import { eudrEventArbitrary } from '../../../../src/testing/arbitraries/eudr-event-arbitrary.js';
import { eventArbitrary } from '../../../../src/testing/arbitraries/event-arbitrary.js';
import { runInProcess } from '../in-process-cli.js';
import {
  type AcceptedEvent,
  closedPortUrl,
  type LoopbackServer,
  startAnsweringServer,
  startProfileReceiver,
} from '../loopback-receivers.js';

const SECRET = 'whsec_cli_trigger_secret_0123';
const STANDARD_SECRET = generateStandardWebhookSecret();
const PARTNER = '3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03';

let novatrade: LoopbackServer & { accepted: AcceptedEvent[] };
let eudr: LoopbackServer & { accepted: AcceptedEvent[] };
let standard: LoopbackServer & { accepted: AcceptedEvent[] };
let failing: LoopbackServer;
let silent: LoopbackServer;
let verbose: LoopbackServer;

beforeAll(async () => {
  [novatrade, eudr, standard, failing, silent, verbose] = await Promise.all([
    startProfileReceiver('novatrade', SECRET),
    startProfileReceiver('eudr', SECRET),
    startProfileReceiver('standard-webhooks', STANDARD_SECRET),
    startAnsweringServer(() => ({ status: 500, body: 'handler crashed\u001b[31m' })),
    startAnsweringServer(() => undefined),
    startAnsweringServer(() => ({
      status: 200,
      body: 'x'.repeat(5000),
      headers: { 'content-type': 'text/plain', 'x-request-id': 'req_7' },
    })),
  ]);
});

afterAll(async () => {
  await Promise.all([novatrade, eudr, standard, failing, silent, verbose].map((s) => s.close()));
});

const trigger = (args: readonly string[], env: Record<string, string> = {}) =>
  runInProcess(['trigger', ...args], { env });

/** `trigger <type> --url <url> --secret <secret> …more`. */
const triggerAt = (type: string, url: string, secret: string, ...more: string[]) =>
  trigger([type, '--url', url, '--secret', secret, ...more]);

describe('trigger', () => {
  it("sends a sample event the receiver accepts, with a fresh id and a delivery's headers", async () => {
    const before = novatrade.accepted.length;
    const run = await triggerAt('compliance.decision_made', novatrade.url, SECRET);
    expect(run.status, run.stderr).toBe(0);
    const event = novatrade.accepted[before] as AcceptedEvent;
    expect(event.type).toBe('compliance.decision_made');
    expect(event.data).toEqual(createSampleEvent('compliance.decision_made').data);
    expect(event.partnerUuid).toBe('00000000-0000-0000-0000-000000000000');
    expect(event.id).toMatch(/^evt_[0-9a-z]{26}$/);
    expect(event.id).not.toBe(createSampleEvent('compliance.decision_made').id);
    expect(event.headers).toMatchObject({
      'x-novatrade-event-id': event.id,
      'x-novatrade-event-type': 'compliance.decision_made',
      'x-novatrade-schema-version': '1',
      'content-type': 'application/json',
    });
    expect(event.headers['x-novatrade-delivery-id']).toMatch(/^del_/);
    expect(run.stdout).toContain(`POST ${novatrade.url}\n  compliance.decision_made ${event.id}\n`);
    expect(run.stdout).toMatch(/\n200 OK in \d+ ms\n/);
    expect(run.stdout).not.toContain(event.headers['x-novatrade-signature'] as string);
    expect(run.stdout + run.stderr).not.toContain(SECRET);
  });

  it('--data replaces the data, --partner the partner; the secret may come from the environment', async () => {
    const before = novatrade.accepted.length;
    const data = { orderUuid: PARTNER, decision: 'VAT_APPLICABLE' };
    const run = await trigger(
      [
        'compliance.decision_made',
        '--url',
        novatrade.url,
        '--data',
        JSON.stringify(data),
        '--partner',
        PARTNER.toUpperCase(),
      ],
      { [SECRET_ENV]: SECRET },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(novatrade.accepted[before]).toMatchObject({ data, partnerUuid: PARTNER });
    const dir = await mkdtemp(join(tmpdir(), 'nw-cli-trigger-'));
    await writeFile(join(dir, 'data.json'), JSON.stringify({ ...data, decision: 'VALID_EXPORT' }));
    const fromFile = await runInProcess(
      [
        'trigger',
        'compliance.decision_made',
        '--url',
        novatrade.url,
        '--secret',
        SECRET,
        '--data',
        '@data.json',
      ],
      { cwd: dir },
    );
    expect(fromFile.status, fromFile.stderr).toBe(0);
    expect(novatrade.accepted.at(-1)?.data).toEqual({ ...data, decision: 'VALID_EXPORT' });
  });

  it('meta-events carry no partner unless --partner gives one (as a test fire does)', async () => {
    const run = await triggerAt('webhook.endpoint_auto_paused', novatrade.url, SECRET);
    expect(run.status, run.stderr).toBe(0);
    expect(novatrade.accepted.at(-1)).toMatchObject({
      type: 'webhook.endpoint_auto_paused',
      partnerUuid: null,
    });
    const withPartner = await triggerAt(
      'webhook.endpoint_auto_paused',
      novatrade.url,
      SECRET,
      '--partner',
      PARTNER,
    );
    expect(withPartner.status, withPartner.stderr).toBe(0);
    expect(novatrade.accepted.at(-1)).toMatchObject({ partnerUuid: PARTNER });
  });

  it('--profile eudr and standard-webhooks send what their receivers accept', async () => {
    const e = await triggerAt('supplier.created', eudr.url, SECRET, '--profile', 'eudr');
    expect(e.status, e.stderr).toBe(0);
    expect(eudr.accepted.at(-1)).toMatchObject({ type: 'supplier.created' });
    expect(eudr.accepted.at(-1)?.headers).toMatchObject({ 'x-webhook-event': 'supplier.created' });
    const s = await triggerAt(
      'kyc.vies_check_failed',
      standard.url,
      STANDARD_SECRET,
      '--profile',
      'standard-webhooks',
    );
    expect(s.status, s.stderr).toBe(0);
    expect(standard.accepted.at(-1)).toMatchObject({ type: 'kyc.vies_check_failed' });
    const partner = await triggerAt(
      'supplier.created',
      eudr.url,
      SECRET,
      '--profile',
      'eudr',
      '--partner',
      PARTNER,
    );
    expect(partner.status).toBe(2);
    expect(partner.stderr).toContain('--partner: EUDR events carry no partner');
  });

  it('an unknown type is a usage error naming the nearest type of the profile', async () => {
    const run = await triggerAt('compliance.decision', novatrade.url, SECRET);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      'error: unknown event type "compliance.decision" for --profile novatrade; did you mean compliance.decision_made?',
    );
    const eudrType = await triggerAt(
      'compliance.decision_made',
      eudr.url,
      SECRET,
      '--profile',
      'eudr',
    );
    expect(eudrType.status).toBe(2);
    expect(eudrType.stderr).toContain('The eudr event types: supplier.created');
  });

  it("bad --data is a usage error that never prints the value: not JSON, not an object, or not the type's", async () => {
    const hidden = 'tok_live_do_not_print_1234';
    for (const value of [
      `{"orderUuid": "${hidden}`,
      `["${hidden}"]`,
      JSON.stringify({ orderUuid: hidden, decision: `MAYBE_${hidden}` }),
    ]) {
      const run = await triggerAt(
        'compliance.decision_made',
        novatrade.url,
        SECRET,
        '--data',
        value,
      );
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).not.toContain(hidden);
    }
    const schema = await triggerAt(
      'compliance.decision_made',
      novatrade.url,
      SECRET,
      '--data',
      JSON.stringify({ orderUuid: 7, decision: 'MAYBE' }),
    );
    expect(schema.stderr).toContain(
      'error: --data does not fit compliance.decision_made (schema version 1): data.orderUuid (invalid_type), data.decision (invalid_value)',
    );
  });

  it('a 500 answer is printed (control characters shown as ?) and fails with exit 1', async () => {
    const run = await triggerAt('kyc.vies_check_failed', failing.url, SECRET);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(
      /\n500 Internal Server Error in \d+ ms\n {2}content-type: text\/plain\n\nhandler crashed\?\[31m\n$/,
    );
    expect(run.stderr).toContain(
      'error: the handler answered 500; a delivery succeeds only on 2xx.',
    );
  });

  it('a wrong secret is refused by the receiver (401): exit 1 with a hint to check the secret', async () => {
    const run = await triggerAt('kyc.vies_check_failed', novatrade.url, 'whsec_wrong_secret_0000');
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/\n401 Unauthorized in/);
    expect(run.stderr).toContain('Check that it verifies with the same secret and --profile.');
  });

  it('a closed port and a receiver that never answers fail with exit 1, saying why', async () => {
    const closed = await triggerAt('kyc.vies_check_failed', await closedPortUrl(), SECRET);
    expect(closed.status).toBe(1);
    expect(closed.stderr).toMatch(
      /^error: no answer from http:\/\/127\.0\.0\.1:\d+: connection refused \(is it listening\?\)\.\n/,
    );
    const slow = await triggerAt('kyc.vies_check_failed', silent.url, SECRET, '--timeout', '200');
    expect(slow.status).toBe(1);
    expect(slow.stderr).toMatch(/no answer within 200 ms/);
  });

  it('shows the first 4 KiB of a long answer, a few headers, and everything as JSON with --json', async () => {
    const run = await triggerAt('kyc.vies_check_failed', verbose.url, SECRET);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('  x-request-id: req_7\n');
    expect(run.stdout).toContain(
      `\n${'x'.repeat(4096)}\n(the first 4096 bytes of a longer body)\n`,
    );
    const json = await triggerAt('kyc.vies_check_failed', verbose.url, SECRET, '--json');
    const parsed = JSON.parse(json.stdout) as {
      request: { eventType: string; eventId: string; headers: Record<string, string> };
      response: {
        status: number;
        body: string;
        bodyTruncated: boolean;
        headers: Record<string, string>;
      };
    };
    expect(parsed.request.eventType).toBe('kyc.vies_check_failed');
    expect(parsed.request.headers).not.toHaveProperty('X-Novatrade-Signature');
    expect(parsed.request.headers['X-Novatrade-Event-Id']).toBe(parsed.request.eventId);
    expect(parsed.response).toMatchObject({ status: 200, bodyTruncated: true });
    expect(parsed.response.body).toHaveLength(4096);
    expect(parsed.response.headers['x-request-id']).toBe('req_7');
  });

  it('refuses a URL that is not http(s), a missing --url and a missing secret (exit 2)', async () => {
    expect((await triggerAt('kyc.vies_check_failed', 'ftp://x', SECRET)).status).toBe(2);
    expect((await trigger(['kyc.vies_check_failed', '--secret', SECRET])).stderr).toContain(
      "required option '--url <url>' not specified",
    );
    expect((await trigger(['kyc.vies_check_failed', '--url', novatrade.url])).status).toBe(2);
  });

  it("property: any valid Novatrade24 event's type, data and partner arrive as sent, accepted by the receiver", async () => {
    await fc.assert(
      fc.asyncProperty(eventArbitrary(), async (event) => {
        const before = novatrade.accepted.length;
        const partner = event.partnerUuid === null ? [] : ['--partner', event.partnerUuid];
        const run = await triggerAt(
          event.type,
          novatrade.url,
          SECRET,
          '--data',
          JSON.stringify(event.data),
          ...partner,
        );
        expect(run.status, run.stderr).toBe(0);
        expect(novatrade.accepted[before]).toMatchObject({
          type: event.type,
          data: event.data,
          partnerUuid: event.partnerUuid,
        });
      }),
      { numRuns: 30 },
    );
  });

  it("property: any valid EUDR event's type and data arrive as sent, accepted by the receiver", async () => {
    await fc.assert(
      fc.asyncProperty(eudrEventArbitrary(), async (event) => {
        const before = eudr.accepted.length;
        const run = await triggerAt(
          event.event,
          eudr.url,
          SECRET,
          '--profile',
          'eudr',
          '--data',
          JSON.stringify(event.data),
        );
        expect(run.status, run.stderr).toBe(0);
        expect(eudr.accepted[before]).toMatchObject({ type: event.event, data: event.data });
      }),
      { numRuns: 30 },
    );
  });
});
