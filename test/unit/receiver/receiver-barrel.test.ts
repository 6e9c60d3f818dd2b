// One receiver barrel (src/receiver/receiver-barrel.ts) that both receiver entry points build
// on: each entry is the barrel plus its own platform's names, and the runtime names are those of
// the export snapshot (test/package checks the built files; this checks the sources).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as receiverEntry from '../../../src/receiver/index.js';
import * as barrel from '../../../src/receiver/receiver-barrel.js';
import * as webEntry from '../../../src/web/index.js';

const SNAPSHOT = readFileSync(
  new URL('../../package/__snapshots__/exports.test.ts.snap', import.meta.url),
  'utf8',
);

/** The names the export snapshot lists for `entry`. */
function snapshotNames(entry: string): string[] {
  const start = SNAPSHOT.indexOf(`exports[\`${entry} > `);
  expect(start).toBeGreaterThanOrEqual(0);
  const list = SNAPSHOT.slice(SNAPSHOT.indexOf('[', SNAPSHOT.indexOf('=', start)));
  return JSON.parse(list.slice(0, list.indexOf(']') + 1).replace(/,\s*]$/, ']')) as string[];
}

const names = (module: object) => Object.keys(module).sort();

describe('the receiver barrel', () => {
  it.each([
    ['@novatrade24/webhooks/receiver', receiverEntry],
    ['@novatrade24/webhooks/web', webEntry],
  ] as const)('%s: its runtime names are those of the export snapshot', (entry, module) => {
    expect(names(module)).toEqual(snapshotNames(entry).sort());
  });

  it('both entries re-export every name of the barrel, the same value', () => {
    for (const [name, value] of Object.entries(barrel)) {
      expect((receiverEntry as Record<string, unknown>)[name], name).toBe(value);
      expect((webEntry as Record<string, unknown>)[name], name).toBe(value);
    }
  });

  it('/web adds only its receivers and its logger; /receiver adds the Node names', () => {
    const shared = new Set(names(barrel));
    expect(names(webEntry).filter((n) => !shared.has(n))).toEqual([
      'EudrWebhookReceiver',
      'WebhookReceiver',
      'createStderrLogger',
    ]);
    expect(names(receiverEntry).filter((n) => !shared.has(n))).toEqual([
      'EudrWebhookReceiver',
      'RedisDedupeStore',
      'WebhookReceiver',
      'constructEudrEvent',
      'constructEvent',
      'constructStandardEvent',
      'createStderrLogger',
      'expressHandler',
      'fastifyWebhooks',
      'toNodeListener',
      'verifyEudrSignature',
      'verifyNovatradeSignature',
      'verifyStandardWebhook',
    ]);
    expect(webEntry.WebhookReceiver).not.toBe(receiverEntry.WebhookReceiver);
    expect(webEntry.createStderrLogger).not.toBe(receiverEntry.createStderrLogger);
  });
});
