// createPrometheusExporter on a real WebhookSender (MemoryStorage, a fake clock, in-memory
// transports): the text after a known number of deliveries, read back by the strict parser of
// test/helpers/prometheus-text.ts as a scraper would; the series present from the start; the
// backlog gauge and its failure; close(); the options' checks.
import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../../../src/sender/memory-storage.js';
import { createPrometheusExporter } from '../../../../src/sender/prometheus-exporter.js';
import { WebhookSender } from '../../../../src/sender/webhook-sender.js';
import { createRecordingTransport } from '../../../../src/testing/create-recording-transport.js';
import { DECISION, ORG, scriptedTransport, senderWith } from '../../../helpers/metrics-sender.js';
import { parsePrometheusText, sampleValue } from '../../../helpers/prometheus-text.js';
import { storageWith } from '../../../helpers/sender-doubles.js';
import { thrown } from '../../../helpers/thrown.js';
import { describeUnknownOptions } from '../../../helpers/unknown-options-suite.js';

const ATTEMPTED = 'webhooks_deliveries_attempted_total';
const DURATION = 'webhooks_attempt_duration_seconds';

async function scrape(exporter: { render(): Promise<string> }) {
  const text = await exporter.render();
  return { text, families: parsePrometheusText(text) };
}

/**
 * A sender with an exporter, after `publishes` events were published and attempted as `script`
 * answers (see scriptedTransport), and the exposition it renders then.
 */
async function scrapeAfter(
  script: [status: number, durationMs: number][],
  publishes: number,
  options?: Parameters<typeof senderWith>[1],
) {
  const run = await senderWith(scriptedTransport(script), options);
  const exporter = createPrometheusExporter(run.sender);
  await run.publish(publishes);
  await run.sender.processDue();
  return { ...run, ...(await scrape(exporter)) };
}

describe('createPrometheusExporter', () => {
  it('before any event: HELP and TYPE of every metric, unlabelled counters and the histogram at 0', async () => {
    const { sender } = await senderWith(createRecordingTransport());
    const exporter = createPrometheusExporter(sender);
    expect(exporter.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    const { families } = await scrape(exporter);
    expect([...families.keys()]).toEqual([
      'webhooks_events_published_total',
      ATTEMPTED,
      DURATION,
      'webhooks_endpoints_paused_total',
      'webhooks_backlog_age_seconds',
      'webhooks_metrics_errors_total',
    ]);
    expect([...families.values()].map((family) => family.type)).toEqual([
      'counter',
      'counter',
      'histogram',
      'counter',
      'gauge',
      'counter',
    ]);
    expect(families.get('webhooks_events_published_total')?.samples).toEqual([]);
    expect(families.get(ATTEMPTED)?.samples).toEqual([]);
    expect(sampleValue(families, 'webhooks_endpoints_paused_total')).toBe(0);
    expect(sampleValue(families, 'webhooks_metrics_errors_total')).toBe(0);
    expect(sampleValue(families, 'webhooks_backlog_age_seconds')).toBe(0);
    expect(sampleValue(families, DURATION, { le: '+Inf' }, `${DURATION}_bucket`)).toBe(0);
    expect(sampleValue(families, DURATION, {}, `${DURATION}_count`)).toBe(0);
    expect(sampleValue(families, DURATION, {}, `${DURATION}_sum`)).toBe(0);
    for (const family of families.values()) expect(family.help).toMatch(/\.$/);
  });

  it('counts published events by type and attempts by outcome and status class (recording transport)', async () => {
    const statuses = [204, 503, 0, 410, 204];
    const transport = createRecordingTransport({ status: () => statuses.shift() ?? 204 });
    const { sender, publish } = await senderWith(transport);
    const exporter = createPrometheusExporter(sender);
    await publish(5);
    expect(await sender.processDue()).toBe(5);
    const { families } = await scrape(exporter);

    expect(sampleValue(families, 'webhooks_events_published_total', { type: DECISION })).toBe(5);
    expect(families.get(ATTEMPTED)?.samples).toEqual([
      { name: ATTEMPTED, labels: { outcome: 'http_error', status_class: '4xx' }, value: 1 },
      { name: ATTEMPTED, labels: { outcome: 'http_error', status_class: '5xx' }, value: 1 },
      { name: ATTEMPTED, labels: { outcome: 'network_error', status_class: 'none' }, value: 1 },
      { name: ATTEMPTED, labels: { outcome: 'success', status_class: '2xx' }, value: 2 },
    ]);
    expect(sampleValue(families, DURATION, {}, `${DURATION}_count`)).toBe(5);
    // The recording transport reports 0 ms: every attempt is in the first bucket.
    expect(sampleValue(families, DURATION, { le: '0.005' }, `${DURATION}_bucket`)).toBe(5);
  });

  it('fills the duration histogram cumulatively, bounds inclusive, with the exact sum in seconds', async () => {
    const { families } = await scrapeAfter(
      [
        [204, 3],
        [204, 5],
        [204, 120],
        [0, 10_000],
        [0, 10_250],
        [204, 31_000],
      ],
      6,
    );
    const bucket = (le: string) => sampleValue(families, DURATION, { le }, `${DURATION}_bucket`);
    const expected: [string, number][] = [
      ['0.005', 2],
      ['0.01', 2],
      ['0.1', 2],
      ['0.25', 3],
      ['5', 3],
      ['10', 4],
      ['15', 5],
      ['30', 5],
      ['+Inf', 6],
    ];
    for (const [le, count] of expected) expect([le, bucket(le)]).toEqual([le, count]);
    expect(families.get(DURATION)?.samples.filter((s) => s.name.endsWith('_bucket'))).toHaveLength(
      14,
    );
    expect(sampleValue(families, DURATION, {}, `${DURATION}_sum`)).toBe(51.378);
    expect(sampleValue(families, DURATION, {}, `${DURATION}_count`)).toBe(6);
    expect(sampleValue(families, ATTEMPTED, { outcome: 'timeout', status_class: 'none' })).toBe(2);
  });

  it('takes its own bucket boundaries', async () => {
    const { sender, publish } = await senderWith(scriptedTransport([[204, 50]]));
    const exporter = createPrometheusExporter(sender, { buckets: [0.01, 1] });
    await publish();
    await sender.processDue();
    const { families } = await scrape(exporter);
    expect(
      families
        .get(DURATION)
        ?.samples.filter((s) => s.name.endsWith('_bucket'))
        .map((s) => [s.labels.le, s.value]),
    ).toEqual([
      ['0.01', 0],
      ['1', 1],
      ['+Inf', 1],
    ]);
  });

  it('counts an auto-pause, and the meta-event it publishes, by its type', async () => {
    const { families } = await scrapeAfter(
      [
        [500, 1],
        [500, 1],
      ],
      2,
      { maxConsecutiveFailures: 2 },
    );
    expect(sampleValue(families, 'webhooks_endpoints_paused_total')).toBe(1);
    expect(
      sampleValue(families, 'webhooks_events_published_total', {
        type: 'webhook.endpoint_auto_paused',
      }),
    ).toBe(1);
  });

  it('reads the backlog age at each render, from the sender clock', async () => {
    const { sender, clock, publish } = await senderWith(createRecordingTransport());
    const exporter = createPrometheusExporter(sender);
    await publish();
    clock.advance(4_250);
    expect(sampleValue((await scrape(exporter)).families, 'webhooks_backlog_age_seconds')).toBe(
      4.25,
    );
    await sender.processDue();
    expect(sampleValue((await scrape(exporter)).families, 'webhooks_backlog_age_seconds')).toBe(0);
  });

  it('answers without the backlog gauge when storage fails, counting the error and telling onError', async () => {
    const failure = new Error('storage is down');
    const storage = storageWith(new MemoryStorage(), {
      nextDueAtMs: () => Promise.reject(failure),
    });
    const { sender, publish } = await senderWith(createRecordingTransport(), { storage });
    const told: unknown[] = [];
    const exporter = createPrometheusExporter(sender, { onError: (error) => told.push(error) });
    await publish();
    const first = await scrape(exporter);
    expect(first.families.has('webhooks_backlog_age_seconds')).toBe(false);
    expect(sampleValue(first.families, 'webhooks_metrics_errors_total')).toBe(1);
    expect(sampleValue(first.families, 'webhooks_events_published_total', { type: DECISION })).toBe(
      1,
    );
    expect(told).toEqual([failure]);
    const throwing = createPrometheusExporter(sender, {
      onError: () => {
        throw new Error('logger down');
      },
    });
    await expect(throwing.render()).resolves.toContain('webhooks_metrics_errors_total 1\n');
    expect(sampleValue((await scrape(exporter)).families, 'webhooks_metrics_errors_total')).toBe(2);
    // An async onError that rejects leaves no unhandled rejection behind.
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      const rejecting = createPrometheusExporter(sender, {
        onError: async () => {
          throw new Error('async logger down');
        },
      });
      await expect(rejecting.render()).resolves.toContain('webhooks_metrics_errors_total 1\n');
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  it('close() stops counting; render still answers with the counts made until then', async () => {
    const { sender, publish } = await senderWith(createRecordingTransport());
    const exporter = createPrometheusExporter(sender);
    await publish();
    exporter.close();
    exporter.close();
    await publish();
    await sender.processDue();
    const { families } = await scrape(exporter);
    expect(sampleValue(families, 'webhooks_events_published_total', { type: DECISION })).toBe(1);
    expect(families.get(ATTEMPTED)?.samples).toEqual([]);
  });

  it('never writes an endpoint id, its URL (path, query) or its secret', async () => {
    const { endpoint, secret, text } = await scrapeAfter(
      [
        [500, 1],
        [500, 1],
      ],
      3,
      { maxConsecutiveFailures: 2 },
    );
    for (const forbidden of [
      endpoint.id,
      secret,
      'partner.example',
      '/hooks/p4th',
      's3cr3t',
      ORG,
    ]) {
      expect(text).not.toContain(forbidden);
    }
  });

  describe('options', () => {
    it('refuses a value that is not a sender, and options that are not an object', async () => {
      const { sender } = await senderWith(createRecordingTransport());
      for (const bad of [undefined, null, {}, { on: () => () => {} }]) {
        const error = thrown(() => createPrometheusExporter(bad as never));
        expect(error.issues[0]?.path).toBe('sender');
        expect(error.message).toMatch(
          /^createPrometheusExporter: `sender` must be a WebhookSender/,
        );
      }
      expect(thrown(() => createPrometheusExporter(sender, null as never)).issues[0]?.path).toBe(
        'options',
      );
    });

    it('refuses bad buckets at their path, and an onError that is not a function', async () => {
      const { sender } = await senderWith(createRecordingTransport());
      expect(
        thrown(() => createPrometheusExporter(sender, { buckets: [1, 0.5] })).issues[0],
      ).toMatchObject({ path: 'buckets[1]', code: 'invalid_value' });
      expect(
        thrown(() => createPrometheusExporter(sender, { buckets: [] })).issues[0],
      ).toMatchObject({ path: 'buckets', code: 'too_small' });
      expect(
        thrown(() => createPrometheusExporter(sender, { onError: 'log' as never })).issues[0],
      ).toMatchObject({ path: 'onError', code: 'invalid_type' });
    });
  });
});

const anySender = new WebhookSender({ transport: createRecordingTransport(), logger: 'silent' });
describeUnknownOptions([
  [
    'createPrometheusExporter',
    (extra) => createPrometheusExporter(anySender, extra),
    'createPrometheusExporter',
    'buckets',
  ],
]);
