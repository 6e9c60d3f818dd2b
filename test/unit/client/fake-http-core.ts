// A fake `HttpCore` for the route tests: it records every `HttpCall` and answers what the test
// queued (or a default 200 with `data: {}`), so a test asserts the exact call a method builds and
// that the method hands the core's `ApiResponse` back untouched.

import type { ApiResponse } from '../../../src/client/api-response.js';
import type { HttpCall, HttpCore } from '../../../src/client/internal/http-call.js';

export interface FakeHttpCore extends HttpCore {
  /** Every call, in order. */
  readonly calls: HttpCall[];
  /** Queues the answer of the next call: data, or a function of the call; or an error to throw. */
  answer(data: unknown, fields?: Partial<ApiResponse<unknown>>): void;
  answerWith(respond: (call: HttpCall) => unknown): void;
  fail(error: unknown): void;
  /** The last call (throws when none was made). */
  last(): HttpCall;
}

export function responseOf<T>(data: T, fields: Partial<ApiResponse<T>> = {}): ApiResponse<T> {
  return {
    data,
    status: 200,
    headers: new Headers({ 'x-request-id': 'req_fake' }),
    rateLimit: { limit: 10, remaining: 9, resetSeconds: 1_767_225_660, category: 'webhook' },
    requestId: 'req_fake',
    idempotentReplayed: false,
    idempotencyKey: undefined,
    attempts: 1,
    ...fields,
  };
}

export function createFakeHttpCore(): FakeHttpCore {
  const calls: HttpCall[] = [];
  const queue: ((call: HttpCall) => ApiResponse<unknown>)[] = [];
  return {
    calls,
    answer(data, fields) {
      queue.push(() => responseOf(data, fields));
    },
    answerWith(respond) {
      queue.push((call) => responseOf(respond(call)));
    },
    fail(error) {
      queue.push(() => {
        throw error;
      });
    },
    last() {
      const call = calls.at(-1);
      if (call === undefined) throw new Error('no call was made');
      return call;
    },
    async request<T>(call: HttpCall): Promise<ApiResponse<T>> {
      calls.push(call);
      const next = queue.shift();
      return (next === undefined ? responseOf({}) : next(call)) as ApiResponse<T>;
    },
  };
}
