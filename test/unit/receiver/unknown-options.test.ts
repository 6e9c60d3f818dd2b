// Every public constructor on the receiver side refuses an option it does not know, naming it and
// the nearest known one, instead of ignoring it (a misspelt `storeTimeoutMs` would silently leave
// the default in place).
import { describe, expect, it } from 'vitest';
import { createStderrLogger as createNodeLogger } from '../../../src/logging/create-stderr-logger.node.js';
import { createStderrLogger as createWebLogger } from '../../../src/logging/create-stderr-logger.web.js';
import { EudrWebhookReceiver as NodeEudrReceiver } from '../../../src/receiver/eudr-webhook-receiver.node.js';
import { EudrWebhookReceiver as WebEudrReceiver } from '../../../src/receiver/eudr-webhook-receiver.web.js';
import { MemoryDedupeStore } from '../../../src/receiver/memory-dedupe-store.js';
import { MemoryInbox } from '../../../src/receiver/memory-inbox.js';
import { RedisDedupeStore } from '../../../src/receiver/redis-dedupe-store.js';
import { WebhookReceiver as NodeReceiver } from '../../../src/receiver/webhook-receiver.node.js';
import { WebhookReceiver as WebReceiver } from '../../../src/receiver/webhook-receiver.web.js';
import { thrown } from '../../helpers/thrown.js';
import {
  describeUnknownOptions,
  type UnknownOptionsCase,
} from '../../helpers/unknown-options-suite.js';

const client = { sendCommand: async () => 'OK', isReady: true };

const CASES: readonly UnknownOptionsCase[] = [
  [
    'WebhookReceiver (node:crypto)',
    (x) => new NodeReceiver({ secret: 's', ...x }),
    'WebhookReceiver',
    'storeTimeoutMs',
  ],
  [
    'WebhookReceiver (WebCrypto)',
    (x) => new WebReceiver({ secret: 's', ...x }),
    'WebhookReceiver',
    'storeTimeoutMs',
  ],
  [
    'EudrWebhookReceiver (node:crypto)',
    (x) => new NodeEudrReceiver({ secret: 's', ...x }),
    'EudrWebhookReceiver',
    'dedupeKey',
  ],
  [
    'EudrWebhookReceiver (WebCrypto)',
    (x) => new WebEudrReceiver({ secret: 's', ...x }),
    'EudrWebhookReceiver',
    'dedupeKey',
  ],
  ['MemoryDedupeStore', (x) => new MemoryDedupeStore(x), 'MemoryDedupeStore', 'maxEntries'],
  [
    'RedisDedupeStore',
    (x) => new RedisDedupeStore({ client, ...x }),
    'RedisDedupeStore',
    'keyPrefix',
  ],
  ['MemoryInbox', (x) => new MemoryInbox(x), 'MemoryInbox', 'maxEntries'],
  ['createStderrLogger (Node)', (x) => createNodeLogger(x), 'createStderrLogger', 'level'],
  ['createStderrLogger (/web)', (x) => createWebLogger(x), 'createStderrLogger', 'level'],
];

describeUnknownOptions(CASES);

describe('the receivers check every key before any value', () => {
  it('an unknown key is reported even when another option is invalid', () => {
    const error = thrown(
      () => new NodeReceiver({ secret: 's', storeTimeoutMs: -1, storeTimeout: 5 } as never),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual(['storeTimeout']);
    expect(error.message).toContain('(did you mean `storeTimeoutMs`?)');
  });

  it('every option of the types is accepted (logger included)', () => {
    expect(
      () =>
        new NodeReceiver({
          secret: 's',
          dedupe: false,
          dedupeTtlMs: 86_400_000,
          processingLeaseMs: 60_000,
          ackMode: 'async',
          inbox: new MemoryInbox(),
          maxInboxAttempts: 3,
          maxBodyBytes: 1000,
          storeTimeoutMs: 500,
          now: () => 0,
          logger: 'silent',
          toleranceSeconds: 60,
          strict: false,
          acceptedSchemaVersions: [1],
          ignoreSources: ['WEB_APP'],
        }),
    ).not.toThrow();
  });
});
