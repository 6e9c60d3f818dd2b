// `endpoints` and `deliveries` in process against a real management API on 127.0.0.1 (an
// in-memory sender behind it, driven by the test): every subcommand's readable output and its
// `--json` (the API's JSON as is), the one-time secret printed once, Idempotency-Key replays, API
// errors with their problem fields (exit 1), an unreachable API named by its base URL, the
// connection from flags, the environment or client credentials, and usage errors (exit 2).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { API_ENV } from '../../../../src/cli/internal/api-connection.js';
import type {
  CreatedWebhookEndpoint,
  DeliveryDetail,
  DeliveryPage,
  WebhookDelivery,
  WebhookEndpoint,
} from '../../../../src/client/resource-types.js';
import { createSampleEvent } from '../../../../src/core/catalog/sample-events.js';
import { subscriptionPatternArbitrary } from '../../../../src/testing/arbitraries/subscription-pattern-arbitrary.js';
import { API_ORG, CLIENT_ID, CLIENT_SECRET, useApiServer } from '../api-server.js';
import { runInProcess } from '../in-process-cli.js';
import { closedPortUrl } from '../loopback-receivers.js';

const api = useApiServer();

const cli = (args: readonly string[], extraEnv: Record<string, string> = {}) =>
  runInProcess(args, { env: { ...api.env, ...extraEnv } });

/** Runs a command with --json and parses its answer. */
async function json<T>(args: readonly string[]): Promise<T> {
  const run = await cli([...args, '--json']);
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as T;
}

/** `endpoints create --url <url> …more`. */
const createArgs = (url: string, more: readonly string[]) => [
  'endpoints',
  'create',
  '--url',
  url,
  ...more,
];

async function createEndpoint(events = 'compliance.*,kyc.*'): Promise<CreatedWebhookEndpoint> {
  return json<CreatedWebhookEndpoint>(
    createArgs('https://partner.example/hooks', ['--events', events]),
  );
}

/** Publishes a sample event of `type` into the organization and runs the dispatcher once. */
async function publishAndDeliver(type: 'kyc.vies_check_failed' | 'compliance.decision_made') {
  const sample = createSampleEvent(type);
  await api.sender.publish({
    organizationUuid: API_ORG,
    type,
    partnerUuid: sample.partnerUuid,
    data: sample.data,
  } as never);
  await api.sender.processDue();
}

describe('endpoints', () => {
  it("create prints the endpoint and its secret once, labelled; --json is the API's answer", async () => {
    const run = await cli(
      createArgs('https://partner.example/hooks', [
        '--events',
        'compliance.*',
        '--events',
        'kyc.vies_check_failed',
        '--partner',
        '9B2D4F6A-1C3E-4A5B-8D7F-0E1A2B3C4D5E',
        '--description',
        'VAT checks',
        '--schema-version',
        '1',
      ]),
    );
    expect(run.status, run.stderr).toBe(0);
    const id = /^Created (wh_[0-9a-z]+)\.\n/.exec(run.stdout)?.[1] as string;
    expect(id).toBeDefined();
    const secret = /Signing secret \(shown once: store it now\):\n(whsec_\S+)\n$/.exec(
      run.stdout,
    )?.[1] as string;
    expect(secret).toBeDefined();
    expect(run.stdout.split(secret)).toHaveLength(2);
    expect(run.stdout).toContain('events:          compliance.*, kyc.vies_check_failed\n');
    expect(run.stdout).toContain('partners:        9b2d4f6a-1c3e-4a5b-8d7f-0e1a2b3c4d5e\n');
    expect(run.stdout).toContain('description:     VAT checks\n');
    const stored = await api.sender.getEndpoint(API_ORG, id);
    expect(stored?.events).toEqual(['compliance.*', 'kyc.vies_check_failed']);
    const created = await createEndpoint();
    expect(created).toMatchObject({ status: 'ACTIVE', organizationUuid: API_ORG });
    expect(created.secret).toMatch(/^whsec_/);
  });

  it('list, get, pause and resume show the endpoint as the API has it', async () => {
    const created = await createEndpoint();
    const list = await cli(['endpoints', 'list']);
    expect(list.stdout).toMatch(/^ID +STATUS +FAILURES +EVENTS +URL\n/);
    const row = list.stdout.split('\n').find((line) => line.startsWith(created.id));
    expect(row?.split(/ +/)).toEqual([
      created.id,
      'ACTIVE',
      '0',
      'compliance.*,kyc.*',
      'https://partner.example/hooks',
    ]);
    expect(list.stdout).not.toContain(created.secret);
    const listed = await json<WebhookEndpoint[]>(['endpoints', 'list']);
    expect(listed.map((e) => e.id)).toContain(created.id);
    const get = await cli(['endpoints', 'get', created.id]);
    expect(get.stdout).toContain(`id:              ${created.id}\nstatus:          ACTIVE\n`);
    expect(get.stdout).not.toContain(created.secret);
    expect(await cli(['endpoints', 'pause', created.id])).toMatchObject({
      status: 0,
      stdout: `Paused ${created.id}: now PAUSED.\n`,
    });
    expect((await api.sender.getEndpoint(API_ORG, created.id))?.status).toBe('PAUSED');
    const resumed = await json<WebhookEndpoint>(['endpoints', 'resume', created.id]);
    expect(resumed.status).toBe('ACTIVE');
  });

  it('test fires an event through the API; rotate-secret prints the new secret; delete removes it', async () => {
    const created = await createEndpoint();
    const run = await cli(['endpoints', 'test', created.id, '--type', 'compliance.decision_made']);
    expect(run.status, run.stderr).toBe(0);
    const deliveryId = /^Queued test delivery (del_\w+) of compliance\.decision_made/.exec(
      run.stdout,
    )?.[1];
    expect(deliveryId).toBeDefined();
    await api.sender.processDue();
    const detail = await json<DeliveryDetail>([
      'deliveries',
      'get',
      created.id,
      deliveryId as string,
    ]);
    expect(detail.delivery).toMatchObject({ test: true, status: 'DELIVERED', httpStatus: 204 });
    const rotated = await cli(['endpoints', 'rotate-secret', created.id, '--overlap-ms', '60000']);
    const secret = /New signing secret \(shown once: store it now\):\n(whsec_\S+)\n$/.exec(
      rotated.stdout,
    )?.[1];
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(created.secret);
    expect((await json<WebhookEndpoint>(['endpoints', 'get', created.id])).liveSecrets).toBe(2);
    expect(await cli(['endpoints', 'delete', created.id])).toMatchObject({
      status: 0,
      stdout: `Deleted ${created.id}.\n`,
    });
    expect(await api.sender.getEndpoint(API_ORG, created.id)).toBeNull();
  });

  it('an Idempotency-Key given twice with the same body answers the first create again', async () => {
    const args = createArgs('https://partner.example/once', [
      '--events',
      'kyc.*',
      '--idempotency-key',
      `key-${Date.now()}`,
    ]);
    const first = await json<CreatedWebhookEndpoint>(args);
    const second = await json<CreatedWebhookEndpoint>(args);
    expect(second).toEqual(first);
  });

  it('API errors print the status, title, type, detail, field errors and traceId (exit 1)', async () => {
    const invalid = await cli(
      createArgs('https://partner.example/x', ['--events', 'kyc.*,nope.x']),
    );
    expect(invalid.status).toBe(1);
    expect(invalid.stderr).toMatch(
      /^error: POST \/v1\/webhooks answered 422 Validation Error \(validation-error\)\.\n {2}.+\n {2}events\.1: .+\n {2}traceId: req_\w+\n$/,
    );
    const missing = await cli(['endpoints', 'get', 'wh_00000000000000000000000000']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(
      'error: GET /v1/webhooks/wh_00000000000000000000000000 answered 404 Not Found (not-found).',
    );
    const unauthorized = await cli(['endpoints', 'list', '--token', 'tok_wrong_0000000000']);
    expect(unauthorized.status).toBe(1);
    expect(unauthorized.stderr).toContain('answered 401 Unauthorized (unauthorized)');
    expect(unauthorized.stderr).not.toContain('tok_wrong_0000000000');
  });

  it('client credentials get a token from --token-url; flags override the environment', async () => {
    const before = api.tokenRequests();
    /** `endpoints list` with --base-url, --client-id and --token-url, and no other environment. */
    const listWithClient = (more: readonly string[], env: Record<string, string> = {}) =>
      runInProcess(
        [
          'endpoints',
          'list',
          '--base-url',
          api.baseUrl,
          '--client-id',
          CLIENT_ID,
          '--token-url',
          api.tokenUrl,
          ...more,
        ],
        { env },
      );
    const run = await listWithClient([], {
      [API_ENV.clientSecret]: CLIENT_SECRET,
      [API_ENV.token]: 'tok_ignored_with_client_flags',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(api.tokenRequests()).toBe(before + 1);
    const refused = await listWithClient(['--client-secret', 'wrong-secret-000', '--retries', '0']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).not.toContain('wrong-secret-000');
    expect(refused.stderr).toContain('Check --client-id, --client-secret and --token-url');
  });

  it('an unreachable API fails with exit 1 naming the base URL; a write says how to repeat it', async () => {
    const closed = new URL(await closedPortUrl()).origin;
    const read = await cli(['endpoints', 'list', '--base-url', closed, '--retries', '0']);
    expect(read.status).toBe(1);
    expect(read.stderr).toContain(
      `error: could not reach the management API at ${closed}: connection refused (is it listening?).`,
    );
    const write = await cli(['endpoints', 'pause', 'wh_1', '--retries', '0'], {
      [API_ENV.baseUrl]: closed,
    });
    expect(write.status).toBe(1);
    expect(write.stderr).toMatch(/repeat it with --idempotency-key [0-9a-f-]{36}/);
    const keyed = await cli(
      ['endpoints', 'pause', 'wh_1', '--retries', '0', '--idempotency-key', 'my-key-1'],
      { [API_ENV.baseUrl]: closed },
    );
    expect(keyed.stderr).toContain('repeat it with --idempotency-key my-key-1');
  });

  it('usage errors exit 2: no credentials, an unknown test type, a bad UUID, --overlap-ms, id or base URL', async () => {
    const none = await runInProcess(['endpoints', 'list'], { env: {} });
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('no credentials for the management API');
    const type = await cli(['endpoints', 'test', 'wh_1', '--type', 'kyc.vies']);
    expect(type).toMatchObject({ status: 2 });
    expect(type.stderr).toContain(
      '--type: unknown event type "kyc.vies"; did you mean kyc.vies_check_failed?',
    );
    const uuid = await cli(
      createArgs('https://x.example', ['--events', 'kyc.*', '--partner', 'nope']),
    );
    expect(uuid.status).toBe(2);
    // The refused value is never echoed (a value may be a secret).
    expect(uuid.stderr).toContain("option '--partner <uuid>' argument is invalid");
    expect(uuid.stderr).not.toContain('nope');
    const overlap = await cli(['endpoints', 'rotate-secret', 'wh_1', '--overlap-ms', '-1']);
    expect(overlap.status).toBe(2);
    const dot = await cli(['endpoints', 'get', '..']);
    expect(dot.status).toBe(2);
    const query = await cli(['endpoints', 'list', '--base-url', `${api.baseUrl}/?x=1`]);
    expect(query.status).toBe(2);
    expect(query.stderr).toContain('`baseUrl` must be an absolute http(s) URL');
  });

  it('colours statuses only when asked (FORCE_COLOR), never with NO_COLOR', async () => {
    await createEndpoint();
    // biome-ignore lint/suspicious/noControlCharactersInRegex: an ANSI escape
    const ansi = /\u001b\[/;
    expect((await cli(['endpoints', 'list'])).stdout).not.toMatch(ansi);
    expect((await cli(['endpoints', 'list'], { FORCE_COLOR: '1' })).stdout).toMatch(ansi);
    expect(
      (await cli(['endpoints', 'list'], { FORCE_COLOR: '1', NO_COLOR: '1' })).stdout,
    ).not.toMatch(ansi);
  });

  it('property: every list of catalog patterns given to --events (split over options) is what the endpoint gets', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(subscriptionPatternArbitrary(), { minLength: 1, maxLength: 5 }),
        fc.nat(5),
        async (patterns, cut) => {
          const at = Math.min(cut, patterns.length - 1) + 1;
          const groups = [patterns.slice(0, at), patterns.slice(at)].filter((g) => g.length > 0);
          const created = await json<CreatedWebhookEndpoint>(
            createArgs('https://partner.example/p', [
              ...groups.flatMap((g) => ['--events', g.join(',')]),
            ]),
          );
          expect(created.events).toEqual(patterns);
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe('deliveries', () => {
  it('list shows the history as a table with a page footer; --all and --json give every delivery', async () => {
    const endpoint = await createEndpoint('kyc.*');
    for (let i = 0; i < 3; i++) await publishAndDeliver('kyc.vies_check_failed');
    const page = await cli(['deliveries', 'list', endpoint.id, '--size', '2']);
    expect(page.status, page.stderr).toBe(0);
    expect(page.stdout).toMatch(/^ID +CREATED +TYPE +STATUS +HTTP +ATTEMPTS +NOTE\n/);
    expect(page.stdout.match(/kyc\.vies_check_failed +DELIVERED +204 +1/g)).toHaveLength(2);
    expect(page.stdout).toContain('page 0 of 2 (from 0; 3 deliveries); next: --page 1, or --all\n');
    const all = await json<WebhookDelivery[]>([
      'deliveries',
      'list',
      endpoint.id,
      '--size',
      '2',
      '--all',
    ]);
    expect(all).toHaveLength(3);
    const asJson = await json<DeliveryPage>([
      'deliveries',
      'list',
      endpoint.id,
      '--status',
      'DELIVERED',
      '--page',
      '1',
      '--size',
      '2',
    ]);
    expect(asJson.pagination).toMatchObject({ page: 1, size: 2, totalElements: 3, hasNext: false });
    const none = await cli(['deliveries', 'list', endpoint.id, '--status', 'FAILED']);
    expect(none.stdout).toBe('No deliveries.\n');
    const allText = await cli([
      'deliveries',
      'list',
      endpoint.id,
      '--all',
      '--sort',
      'createdAt,asc',
    ]);
    expect(allText.stdout).toMatch(/\n3 deliveries\n$/);
  });

  it('get shows a delivery and its attempts; replay sends it again as a new delivery', async () => {
    const endpoint = await createEndpoint('compliance.*');
    await publishAndDeliver('compliance.decision_made');
    const [delivery] = await json<WebhookDelivery[]>(['deliveries', 'list', endpoint.id, '--all']);
    const id = (delivery as WebhookDelivery).id;
    const get = await cli(['deliveries', 'get', endpoint.id, id]);
    expect(get.stdout).toContain(`id:           ${id}\nstatus:       DELIVERED\n`);
    expect(get.stdout).toMatch(
      /\n# {2}STARTED +MS +HTTP +FAILURE +RESPONSE\n1 {2}\S+ +\d+ +204 +-/,
    );
    const replay = await cli(['deliveries', 'replay', endpoint.id, id]);
    expect(replay.status, replay.stderr).toBe(0);
    const replayId = new RegExp(`^Replaying ${id} as (del_\\w+)\\.\\n`).exec(replay.stdout)?.[1];
    expect(replayId).toBeDefined();
    expect(replay.stdout).toContain(`replay of:    ${id}\n`);
    const again = await cli(['deliveries', 'replay', endpoint.id, replayId as string]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('answered 409 Invalid State (invalid-state)');
  });

  it('recover replays what failed while the endpoint was paused, once', async () => {
    const endpoint = await createEndpoint('kyc.*');
    const since = new Date(Date.now() - 1000).toISOString();
    await cli(['endpoints', 'pause', endpoint.id]);
    await publishAndDeliver('kyc.vies_check_failed');
    await cli(['endpoints', 'resume', endpoint.id]);
    const run = await cli(['deliveries', 'recover', endpoint.id, '--since', since]);
    expect(run).toMatchObject({
      status: 0,
      stdout: `Replaying 1 failed delivery of ${endpoint.id}.\n`,
    });
    // Each failure is recovered once: asking again replays nothing.
    const until = new Date(Date.now() + 60_000).toISOString();
    expect(
      await json(['deliveries', 'recover', endpoint.id, '--since', since, '--until', until]),
    ).toEqual({ replayed: 0 });
  });

  it('usage errors exit 2: a bad status, time, page size, an --until before --since, a missing id', async () => {
    const cases: [readonly string[], string][] = [
      [
        ['deliveries', 'list', 'wh_1', '--status', 'DONE'],
        "option '--status <status>' argument is invalid. Allowed choices are PENDING, DELIVERED, FAILED.",
      ],
      [
        ['deliveries', 'list', 'wh_1', '--since', 'yesterday'],
        'Expected an RFC 3339 time with an offset',
      ],
      [['deliveries', 'list', 'wh_1', '--size', '101'], 'Expected an integer from 1 to 100.'],
      [
        [
          'deliveries',
          'recover',
          'wh_1',
          '--since',
          '2026-05-02T00:00:00Z',
          '--until',
          '2026-05-01T00:00:00Z',
        ],
        '--until must be later than --since.',
      ],
      [['deliveries', 'recover', 'wh_1'], "required option '--since <time>' not specified"],
      [['deliveries', 'get', 'wh_1'], "missing required argument 'delivery-id'"],
    ];
    for (const [args, message] of cases) {
      const run = await cli(args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(message);
    }
  });
});
