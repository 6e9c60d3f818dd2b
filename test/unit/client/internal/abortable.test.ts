// abortable and abortableSleep: the caller's signal ends a wait, never leaves a listener behind
// once the wait is over, and never turns the abandoned promise into an unhandled rejection.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { abortable, abortableSleep } from '../../../../src/client/internal/abortable.js';
import { countingSignal } from '../counting-signal.js';

/** Every unhandled rejection seen while `run` runs and a little after. */
async function unhandledDuring(run: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  process.on('unhandledRejection', listener);
  try {
    await run();
    await new Promise((resolve) => setTimeout(resolve, 10));
  } finally {
    process.off('unhandledRejection', listener);
  }
  return seen;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('abortable', () => {
  it('rejects at once with the reason of an aborted signal, and handles the promise it drops', async () => {
    const reason = new Error('gone');
    const seen = await unhandledDuring(async () => {
      const dropped = Promise.reject(new Error('nobody waits'));
      await expect(abortable(dropped, AbortSignal.abort(reason))).rejects.toBe(reason);
    });
    expect(seen).toEqual([]);
  });

  it('rejects with the reason when the signal aborts first, and handles the later rejection', async () => {
    const { controller, signal, listeners } = countingSignal();
    const reason = new Error('gone');
    const seen = await unhandledDuring(async () => {
      let fail: (error: Error) => void = () => undefined;
      const pending = new Promise<string>((_, reject) => {
        fail = reject;
      });
      const waited = abortable(pending, signal);
      controller.abort(reason);
      await expect(waited).rejects.toBe(reason);
      fail(new Error('later'));
    });
    expect(seen).toEqual([]);
    expect(listeners()).toBe(0);
  });

  it('removes its listener when the promise settles', async () => {
    const { signal, listeners } = countingSignal();
    await expect(abortable(Promise.resolve('tok'), signal)).resolves.toBe('tok');
    await expect(abortable(Promise.reject(new Error('x')), signal)).rejects.toThrow('x');
    expect(listeners()).toBe(0);
  });
});

describe('abortableSleep', () => {
  it('waits, then leaves no listener and no timer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { signal, listeners } = countingSignal();
    const slept = abortableSleep(1000, signal);
    await vi.advanceTimersByTimeAsync(1000);
    await expect(slept).resolves.toBeUndefined();
    expect(listeners()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ends on abort with the reason, clearing its timer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { controller, signal, listeners } = countingSignal();
    const slept = abortableSleep(60_000, signal);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(slept).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
    expect(listeners()).toBe(0);
  });
});
