// Every ValidationIssue the receiver side builds carries a code (zod's issue codes are the
// model), so callers branch on it instead of parsing messages.
import { describe, expect, it } from 'vitest';
import type { ValidationIssueCode } from '../../../src/core/errors.js';
import { createStderrLogger } from '../../../src/logging/create-stderr-logger.node.js';
import { fastifyWebhooks } from '../../../src/receiver/adapters/fastify-plugin.js';
import { constructEvent } from '../../../src/receiver/construct-event.node.js';
import {
  EudrWebhookReceiver,
  MemoryDedupeStore,
  MemoryInbox,
  RedisDedupeStore,
  WebhookReceiver,
} from '../../../src/receiver/index.js';
import { errorOf, thrown } from '../../helpers/thrown.js';

const secret = 'whsec_issue_codes';
const handler = () => undefined;

function issueOf(error: unknown): { path: string; code?: ValidationIssueCode } {
  const issues = (error as { issues?: { path: string; code?: ValidationIssueCode }[] }).issues;
  expect(issues).toHaveLength(1);
  return issues?.[0] as { path: string; code?: ValidationIssueCode };
}

async function rejected(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (reason: unknown) => reason,
  );
}

describe('issue codes on the receiver side', () => {
  it.each<[string, () => unknown, string, ValidationIssueCode]>([
    [
      'dedupe: 5',
      () => new WebhookReceiver({ secret, dedupe: 5 as never }),
      'dedupe',
      'invalid_type',
    ],
    [
      'ackMode: later',
      () => new WebhookReceiver({ secret, ackMode: 'later' as never }),
      'ackMode',
      'invalid_value',
    ],
    [
      'inbox: 5',
      () => new WebhookReceiver({ secret, ackMode: 'async', inbox: 5 as never }),
      'inbox',
      'invalid_type',
    ],
    [
      'inbox without async',
      () => new WebhookReceiver({ secret, inbox: new MemoryInbox() } as never),
      'inbox',
      'invalid_value',
    ],
    ['now: 5', () => new WebhookReceiver({ secret, now: 5 as never }), 'now', 'invalid_type'],
    [
      'dedupeTtlMs not above processingLeaseMs',
      () => new WebhookReceiver({ secret, dedupeTtlMs: 1_000, processingLeaseMs: 1_000 }),
      'dedupeTtlMs',
      'too_small',
    ],
    [
      'toleranceSeconds: -1',
      () => new WebhookReceiver({ secret, toleranceSeconds: -1 }),
      'toleranceSeconds',
      'too_small',
    ],
    [
      'toleranceSeconds: NaN',
      () => new WebhookReceiver({ secret, toleranceSeconds: Number.NaN }),
      'toleranceSeconds',
      'invalid_type',
    ],
    [
      'strict: 1',
      () => new WebhookReceiver({ secret, strict: 1 as never }),
      'strict',
      'invalid_type',
    ],
    [
      'ignoreSources: [X]',
      () => new WebhookReceiver({ secret, ignoreSources: ['X' as never] }),
      'ignoreSources',
      'invalid_value',
    ],
    [
      'logger: 5',
      () => new WebhookReceiver({ secret, logger: 5 as never }),
      'logger',
      'invalid_type',
    ],
    [
      'EUDR dedupeKey: 5',
      () => new EudrWebhookReceiver({ secret, dedupeKey: 5 as never }),
      'dedupeKey',
      'invalid_type',
    ],
    [
      'on(type, 5)',
      () => new WebhookReceiver({ secret }).on('kyc.*', 5 as never),
      'handler',
      'invalid_type',
    ],
    [
      'on(type, h, { partnerUuid: [] })',
      () => new WebhookReceiver({ secret }).on('kyc.*', handler, { partnerUuid: [] }),
      'partnerUuid',
      'too_small',
    ],
    [
      "on(type, h, { partnerUuid: [''] })",
      () => new WebhookReceiver({ secret }).on('kyc.*', handler, { partnerUuid: [''] }),
      'partnerUuid',
      'invalid_value',
    ],
    [
      'onAny(5)',
      () => new WebhookReceiver({ secret }).onAny(5 as never),
      'handler',
      'invalid_type',
    ],
    [
      'onError(5)',
      () => new WebhookReceiver({ secret }).onError(5 as never),
      'listener',
      'invalid_type',
    ],
    ['MemoryDedupeStore(5)', () => new MemoryDedupeStore(5 as never), 'options', 'invalid_type'],
    [
      'MemoryDedupeStore now: 5',
      () => new MemoryDedupeStore({ now: 5 as never }),
      'now',
      'invalid_type',
    ],
    [
      'MemoryDedupeStore token: 5',
      () => new MemoryDedupeStore({ token: 5 as never }),
      'token',
      'invalid_type',
    ],
    ['MemoryInbox(5)', () => new MemoryInbox(5 as never), 'options', 'invalid_type'],
    [
      'RedisDedupeStore without client',
      () => new RedisDedupeStore({} as never),
      'client',
      'required',
    ],
    [
      'RedisDedupeStore keyPrefix: 5',
      () =>
        new RedisDedupeStore({
          client: { call: async () => null } as never,
          keyPrefix: 5 as never,
        }),
      'keyPrefix',
      'invalid_type',
    ],
    [
      'createStderrLogger level: loud',
      () => createStderrLogger({ level: 'loud' as never }),
      'level',
      'invalid_value',
    ],
    [
      'constructEvent headers: 5',
      () => constructEvent('{}', 5 as never, secret),
      'headers',
      'invalid_type',
    ],
  ])('%s -> { path, code }', (_label, run, path, code) => {
    const error = errorOf(run);
    expect(error).toMatchObject({ code: 'invalid_option' });
    expect(issueOf(error)).toMatchObject({ path, code });
  });

  it.each<[string, () => Promise<unknown>, string, ValidationIssueCode]>([
    ['reserve("", 1000)', () => new MemoryDedupeStore().reserve('', 1_000), 'key', 'too_small'],
    [
      'reserve(undefined, 1000)',
      () => new MemoryDedupeStore().reserve(undefined as never, 1_000),
      'key',
      'required',
    ],
    [
      'complete(k, 5, 1000)',
      () => new MemoryDedupeStore().complete('k', 5 as never, 1_000),
      'token',
      'invalid_type',
    ],
    ['inbox.add(undefined)', () => new MemoryInbox().add(undefined as never), 'entry', 'required'],
    [
      'inbox.add without key',
      () => new MemoryInbox().add({ event: {}, receivedAtMs: 0, attempts: 0 } as never),
      'entry.key',
      'required',
    ],
    [
      'inbox.fail(k, t, { code: "" })',
      () => new MemoryInbox().fail('k', 't', { code: '', atMs: 0 }),
      'failure.code',
      'too_small',
    ],
    [
      'fastifyWebhooks path: x',
      () => fastifyWebhooks({} as never, { receiver: new WebhookReceiver({ secret }), path: 'x' }),
      'path',
      'invalid_format',
    ],
    [
      'fastifyWebhooks without receiver',
      () => fastifyWebhooks({} as never, {} as never),
      'receiver',
      'required',
    ],
  ])('%s -> { path, code } (as a rejection)', async (_label, run, path, code) => {
    const error = await rejected(run());
    expect(error).toMatchObject({ code: 'invalid_option' });
    expect(issueOf(error)).toMatchObject({ path, code });
  });

  it('an unknown option keeps its own shape (checked by assertKnownOptions)', () => {
    expect(thrown(() => new WebhookReceiver({ secret, colour: 1 } as never)).code).toBe(
      'invalid_option',
    );
  });
});
