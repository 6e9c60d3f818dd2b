// withDeadline: one HTTP request's own deadline. It ends the wait at timeoutMs even when the
// request ignores its signal, lets the caller's abort win, and leaves no timer and no listener on
// the caller's signal once the request has ended.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withDeadline } from '../../../../src/client/internal/with-deadline.js';
import { countingSignal } from '../counting-signal.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});

afterEach(() => {
  vi.useRealTimers();
});

const timedOut = (cause: DOMException) => ({ timedOut: true, cause });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('withDeadline', () => {
  it('answers what the request answers, and leaves no timer and no listener', async () => {
    const caller = countingSignal();
    const value = await withDeadline(async () => 'answer', {
      timeoutMs: 1000,
      signal: caller.signal,
      timedOut,
    });
    expect(value).toBe('answer');
    expect(vi.getTimerCount()).toBe(0);
    expect(caller.listeners()).toBe(0);
  });

  it('passes the request’s own failure through', async () => {
    const failure = new Error('refused');
    await expect(
      withDeadline(async () => Promise.reject(failure), { timeoutMs: 1000, timedOut }),
    ).rejects.toBe(failure);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with timedOut(TimeoutError) at the deadline, even when the request ignores its signal', async () => {
    const caller = countingSignal();
    let requestSignal: AbortSignal | undefined;
    const pending = rejection(
      withDeadline(
        (signal) => {
          requestSignal = signal;
          return new Promise<never>(() => undefined); // never settles, whatever happens
        },
        { timeoutMs: 30_000, signal: caller.signal, timedOut },
      ),
    );
    await vi.advanceTimersByTimeAsync(29_999);
    expect(requestSignal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = (await pending) as ReturnType<typeof timedOut>;
    expect(error.timedOut).toBe(true);
    expect(error.cause).toBeInstanceOf(DOMException);
    expect(error.cause.name).toBe('TimeoutError');
    expect(error.cause.message).toMatch(/30000 ms \(timeoutMs\)/);
    expect(requestSignal?.aborted).toBe(true);
    expect(requestSignal?.reason).toBe(error.cause);
    expect(vi.getTimerCount()).toBe(0);
    expect(caller.listeners()).toBe(0);
  });

  it('rejects with the caller’s reason when the caller aborts first, and clears the timer', async () => {
    const caller = countingSignal();
    let requestSignal: AbortSignal | undefined;
    const pending = rejection(
      withDeadline(
        (signal) => {
          requestSignal = signal;
          return new Promise<never>(() => undefined);
        },
        { timeoutMs: 30_000, signal: caller.signal, timedOut },
      ),
    );
    const reason = new Error('user left');
    caller.controller.abort(reason);
    expect(await pending).toBe(reason);
    expect(requestSignal?.reason).toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
    expect(caller.listeners()).toBe(0);
  });

  it('does not start the request when the caller has already aborted', async () => {
    const reason = new Error('before');
    let started = false;
    const error = await rejection(
      withDeadline(
        async () => {
          started = true;
        },
        { timeoutMs: 1000, signal: AbortSignal.abort(reason), timedOut },
      ),
    );
    expect(error).toBe(reason);
    expect(started).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with what a request throws synchronously, leaving no timer, listener or unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const caller = countingSignal();
      const thrown = new Error('thrown before any promise');
      const error = await rejection(
        withDeadline(
          () => {
            throw thrown;
          },
          { timeoutMs: 1000, signal: caller.signal, timedOut },
        ),
      );
      expect(error).toBe(thrown);
      expect(vi.getTimerCount()).toBe(0);
      expect(caller.listeners()).toBe(0);
      await vi.advanceTimersByTimeAsync(1000); // a leaked deadline would fire now
      caller.controller.abort(new Error('later')); // and a leaked listener now
      await new Promise((resolve) => setImmediate(resolve)); // unhandledRejection fires by now
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
