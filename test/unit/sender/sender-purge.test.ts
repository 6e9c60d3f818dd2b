// WebhookSender.purgeExpired over adapters that answer a purge with something other than a count
// (docs/design.md §5.11, §5.27): a rejection named after the port method instead of a loop that
// never ends, and the running dispatcher reports it and carries on. The fakes stop after a few
// hundred calls, so a loop that does not end fails here rather than hanging (it would run on
// microtasks only, so the test's own timeout could never fire). Also: withIdempotencyKey keeps
// the write's error when the store's abandon fails.
import { describe, expect, it, vi } from 'vitest';
import { WebhookStorageError } from '../../../src/core/errors.js';
import { MemoryIdempotencyStore } from '../../../src/sender/memory-idempotency-store.js';
import { MemoryStorage } from '../../../src/sender/memory-storage.js';
import type { IdempotencyStore } from '../../../src/sender/ports/idempotency-store.js';
import type { Transport } from '../../../src/sender/ports/transport.js';
import { WebhookSender, type WebhookSenderOptions } from '../../../src/sender/webhook-sender.js';
import { createFakeClock } from '../../../src/testing/create-fake-clock.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';
import { recordingLogger } from '../../helpers/log-capture.js';

const ORG = '0b8f6a52-7c3e-4d1a-9e2b-5f4c3d2e1a01';
const RUNAWAY = 200;

const transport: Transport = {
  send: async () => ({
    statusCode: 204,
    failureReason: null,
    responseBody: '',
    retryAfter: null,
    durationMs: 1,
  }),
};

/** A MemoryStorage whose purgeBefore resolves `answer`; it counts its calls. */
class CorruptPurgeStorage extends MemoryStorage {
  calls = 0;
  constructor(readonly answer: unknown) {
    super();
  }
  override async purgeBefore(): Promise<number> {
    this.calls += 1;
    if (this.calls > RUNAWAY) throw new Error('the purge loop did not stop');
    return this.answer as number;
  }
}

/** A MemoryIdempotencyStore whose purgeExpired resolves `answer`, and whose abandon may fail. */
function idempotencyStore(answer: unknown, abandonError?: Error) {
  const inner = new MemoryIdempotencyStore();
  let calls = 0;
  const store: IdempotencyStore = {
    begin: (input) => inner.begin(input),
    complete: (input) => inner.complete(input),
    abandon: async (scope, token) => {
      if (abandonError !== undefined) throw abandonError;
      await inner.abandon(scope, token);
    },
    purgeExpired: async () => {
      calls += 1;
      if (calls > RUNAWAY) throw new Error('the purge loop did not stop');
      return answer as number;
    },
  };
  return { store, calls: () => calls };
}

function sender(options: Partial<WebhookSenderOptions>) {
  const logger = recordingLogger();
  const built = new WebhookSender({
    transport,
    clock: createFakeClock(),
    logger,
    ...options,
  });
  const errors: Array<{ error: unknown; during: string }> = [];
  built.on('sender.error', ({ error, during }) => void errors.push({ error, during }));
  return { sender: built, logger, errors };
}

describe('WebhookSender.purgeExpired with an adapter that does not answer a count', () => {
  it.each([
    ['undefined', undefined],
    ['NaN', Number.NaN],
    ['-1', -1],
    ['1001 (above the limit)', 1001],
  ])(
    'storage.purgeBefore resolves %s -> storage_corrupt naming SenderStorage.purgeBefore',
    async (_name, answer) => {
      const storage = new CorruptPurgeStorage(answer);
      const error = await sender({ storage })
        .sender.purgeExpired()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WebhookStorageError);
      expect(error).toMatchObject({
        code: 'storage_corrupt',
        message: expect.stringMatching(/^SenderStorage\.purgeBefore must resolve /),
      });
      expect(storage.calls).toBe(1);
    },
    5_000,
  );

  it('idempotencyStore.purgeExpired resolves undefined -> storage_corrupt naming IdempotencyStore.purgeExpired', async () => {
    const { store, calls } = idempotencyStore(undefined);
    const error = await sender({ idempotencyStore: store })
      .sender.purgeExpired()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookStorageError);
    expect(error).toMatchObject({
      code: 'storage_corrupt',
      message: expect.stringMatching(/^IdempotencyStore\.purgeExpired must resolve /),
    });
    expect(calls()).toBe(1);
  }, 5_000);

  it('full batches, then a short one -> every batch is asked for, and the deliveries deleted are summed', async () => {
    const answers = [1000, 1000, 1000, 42];
    const storage = new (class extends MemoryStorage {
      limits: number[] = [];
      override async purgeBefore(_cutoffMs: number, limit: number): Promise<number> {
        this.limits.push(limit);
        return answers[this.limits.length - 1] ?? 0;
      }
    })();
    expect(await sender({ storage }).sender.purgeExpired()).toBe(3042);
    expect(storage.limits).toEqual([1000, 1000, 1000, 1000]);
  });

  it('the running dispatcher: the purge failure is an error line and a sender.error (during purgeExpired); deliveries go on', async () => {
    const storage = new CorruptPurgeStorage(undefined);
    const { sender: running, logger, errors } = sender({ storage, purgeIntervalMs: 60_000 });
    const delivered: string[] = [];
    running.on('delivery.succeeded', ({ delivery }) => void delivered.push(delivery.id));
    await running.createEndpoint(ORG, {
      url: 'https://a.example/hooks',
      events: ['compliance.decision_made'],
    });
    running.start();
    try {
      await vi.waitFor(() => expect(errors).toHaveLength(1));
      expect(errors[0]?.during).toBe('purgeExpired');
      expect(errors[0]?.error).toMatchObject({ code: 'storage_corrupt' });
      expect(logger.calls.filter((c) => c.level === 'error')).toEqual([
        {
          level: 'error',
          fields: {
            stage: 'dispatch',
            call: 'purgeExpired',
            error: expect.objectContaining({
              name: 'WebhookStorageError',
              code: 'storage_corrupt',
            }),
          },
          message: 'purgeExpired failed; retrying at the next purgeIntervalMs',
        },
      ]);
      // The loop is not stuck in the purge: a publish is delivered.
      await running.publish({
        organizationUuid: ORG,
        type: 'compliance.decision_made',
        partnerUuid: 'partner-1',
        data: { ...EVENT_FIXTURES['compliance.decision_made'].data },
      });
      await vi.waitFor(() => expect(delivered).toHaveLength(1));
      expect(storage.calls).toBe(1);
    } finally {
      await running.stop();
    }
  });
});

describe('WebhookSender.withIdempotencyKey when abandon fails', () => {
  it("execute throws and abandon rejects -> the caller gets execute's error", async () => {
    const { store } = idempotencyStore(0, new Error('abandon failed'));
    const { sender: built } = sender({ idempotencyStore: store });
    const writeError = new Error('write failed');
    await expect(
      built.withIdempotencyKey(
        { organizationUuid: ORG, method: 'POST', route: '/v1/webhooks', key: 'k', body: '{}' },
        async () => {
          throw writeError;
        },
      ),
    ).rejects.toBe(writeError);
  });
});
