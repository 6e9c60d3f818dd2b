// IdempotencyGuard on its own, with a fake IdempotencyStore: what the caller gets when the
// store's abandon fails after the write threw, and how that failure is reported; its purge.
import { describe, expect, it } from 'vitest';
import { WebhookStorageError } from '../../../../src/core/errors.js';
import { HookBus } from '../../../../src/sender/internal/hook-bus.js';
import { IdempotencyGuard } from '../../../../src/sender/internal/idempotency-guard.js';
import { MemoryIdempotencyStore } from '../../../../src/sender/memory-idempotency-store.js';
import type { IdempotencyStore } from '../../../../src/sender/ports/idempotency-store.js';
import { createFakeClock } from '../../../../src/testing/create-fake-clock.js';
import { recordingLogger } from '../../../helpers/log-capture.js';
import { ORG_A, T0 } from '../../../helpers/sender-records.js';

const request = (key: string) => ({
  organizationUuid: ORG_A,
  method: 'POST',
  route: '/v1/webhooks',
  key,
  body: '{}',
});

/** A memory store whose abandon rejects with `abandonError`. */
function failingAbandon(abandonError: unknown): IdempotencyStore {
  const inner = new MemoryIdempotencyStore();
  return {
    begin: (input) => inner.begin(input),
    complete: (input) => inner.complete(input),
    abandon: async () => {
      throw abandonError;
    },
    purgeExpired: (nowMs, limit) => inner.purgeExpired(nowMs, limit),
  };
}

function setup(store: IdempotencyStore) {
  const clock = createFakeClock({ nowMs: T0 });
  const logger = recordingLogger();
  const hooks = new HookBus(logger, clock);
  const errors: Array<{ error: unknown; during: string }> = [];
  hooks.on('sender.error', ({ error, during }) => void errors.push({ error, during }));
  const guard = new IdempotencyGuard({ store, clock, logger, hooks });
  return { clock, logger, errors, guard };
}

describe('IdempotencyGuard: execute throws and abandon fails', () => {
  it("-> the caller gets execute's error; abandon's is a warning and a sender.error", async () => {
    const abandonError = new WebhookStorageError('storage_unavailable', 'the store is down');
    const { logger, errors, guard } = setup(failingAbandon(abandonError));
    const writeError = new Error('write failed');
    await expect(
      guard.run(request('k-1'), async () => {
        throw writeError;
      }),
    ).rejects.toBe(writeError);
    expect(errors).toEqual([{ error: abandonError, during: 'IdempotencyStore.abandon' }]);
    expect(logger.calls).toEqual([
      {
        level: 'warn',
        fields: {
          stage: 'idempotency',
          call: 'IdempotencyStore.abandon',
          error: {
            name: 'WebhookStorageError',
            code: 'storage_unavailable',
            message: 'the store is down',
          },
        },
        message:
          'IdempotencyStore.abandon failed after the write threw; the key stays in flight until its 5-minute hold lapses',
      },
    ]);
  });

  it('-> repeats within a minute are one line (then counted as suppressed); sender.error every time', async () => {
    const { clock, logger, errors, guard } = setup(failingAbandon(new Error('down')));
    const fail = async () => {
      throw new Error('write failed');
    };
    for (const key of ['k-1', 'k-2', 'k-3']) {
      await expect(guard.run(request(key), fail)).rejects.toThrow('write failed');
    }
    expect(logger.calls).toHaveLength(1);
    clock.advance(60_000);
    await expect(guard.run(request('k-4'), fail)).rejects.toThrow('write failed');
    expect(logger.calls.map((c) => c.fields.suppressed)).toEqual([undefined, 2]);
    expect(errors).toHaveLength(4);
  });

  it('-> an abandon that throws synchronously, or rejects with a non-error: the same', async () => {
    const inner = new MemoryIdempotencyStore();
    const store: IdempotencyStore = {
      begin: (input) => inner.begin(input),
      complete: (input) => inner.complete(input),
      abandon: () => {
        throw 'not an error';
      },
      purgeExpired: (nowMs, limit) => inner.purgeExpired(nowMs, limit),
    };
    const { errors, guard } = setup(store);
    const writeError = new TypeError('bad input');
    await expect(
      guard.run(request('k-1'), async () => {
        throw writeError;
      }),
    ).rejects.toBe(writeError);
    expect(errors).toEqual([{ error: 'not an error', during: 'IdempotencyStore.abandon' }]);
  });

  it("-> without a logger or hooks: still execute's error", async () => {
    const guard = new IdempotencyGuard({
      store: failingAbandon(new Error('down')),
      clock: createFakeClock({ nowMs: T0 }),
    });
    const writeError = new Error('write failed');
    await expect(
      guard.run(request('k-1'), async () => {
        throw writeError;
      }),
    ).rejects.toBe(writeError);
  });

  it('abandon succeeds -> nothing reported, the key is free again', async () => {
    const { logger, errors, guard } = setup(new MemoryIdempotencyStore());
    await expect(
      guard.run(request('k-1'), async () => {
        throw new Error('write failed');
      }),
    ).rejects.toThrow('write failed');
    expect([logger.calls, errors]).toEqual([[], []]);
    expect(await guard.run(request('k-1'), async () => ({ status: 201, body: 'ok' }))).toEqual({
      status: 201,
      body: 'ok',
      replayed: false,
    });
  });
});

describe('IdempotencyGuard.purgeExpired', () => {
  it('a store whose purgeExpired resolves undefined -> storage_corrupt naming IdempotencyStore.purgeExpired (no endless loop)', async () => {
    let calls = 0;
    const inner = new MemoryIdempotencyStore();
    const store: IdempotencyStore = {
      begin: (input) => inner.begin(input),
      complete: (input) => inner.complete(input),
      abandon: (scope, token) => inner.abandon(scope, token),
      purgeExpired: async () => {
        calls += 1;
        if (calls > 100) throw new Error('the purge loop did not stop');
        return undefined as unknown as number;
      },
    };
    const { guard } = setup(store);
    const error = await guard.purgeExpired().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookStorageError);
    expect(error).toMatchObject({
      code: 'storage_corrupt',
      message: expect.stringMatching(/^IdempotencyStore\.purgeExpired must resolve /),
    });
    expect(calls).toBe(1);
  }, 5_000);
});
