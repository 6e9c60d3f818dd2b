// fetchHandler hands the processing that follows a 202 (ackMode 'async') to the runtime's
// waitUntil: the Workers `fetch(request, env, ctx)` form, the `(request, context)` form of Vercel
// Functions, Pages Functions and Next.js middleware, and `{ waitUntil }` passed by hand. workerd
// ends a request with its response and drops work outside ctx.waitUntil; test/edge runs the same
// on workerd itself. Here, on Node, the promise handed over is watched directly.
import { describe, expect, it } from 'vitest';
import { createSampleEvent } from '../../../src/core/catalog/sample-events.js';
import { isWebhooksError } from '../../../src/core/errors.js';
import { fetchHandler } from '../../../src/receiver/adapters/fetch-handler.js';
import { MemoryInbox } from '../../../src/receiver/memory-inbox.js';
import type { WebhookReceiverOptions } from '../../../src/receiver/webhook-receiver.js';
import { WebhookReceiver as NodeReceiver } from '../../../src/receiver/webhook-receiver.node.js';
import { WebhookReceiver as WebReceiver } from '../../../src/receiver/webhook-receiver.web.js';
import { signNovatradePayload } from '../../../src/signature/sign-novatrade-payload.node.js';

const SECRET = 'whsec_wait_until_test';
const T = 1_790_000_000;
const now = () => T * 1000;

let counter = 0;
function signedRequest(): { request: Request; id: string } {
  counter += 1;
  const id = `evt_wait_until_${counter}`;
  const body = JSON.stringify(createSampleEvent('compliance.decision_made', { id }));
  const request = new Request('http://127.0.0.1/webhooks', {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-novatrade-signature': signNovatradePayload(body, SECRET, { timestamp: T }),
    },
  });
  return { request, id };
}

/** A gate the handler waits on, so a test decides when the handlers finish. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/**
 * Shaped like workerd's ExecutionContext: `waitUntil` works only when called on it (a detached
 * call throws "Illegal invocation" there), and records the promises it is given.
 */
class ExecutionContextLike {
  readonly #promises: Promise<unknown>[] = [];
  get promises(): readonly Promise<unknown>[] {
    return this.#promises;
  }
  waitUntil(promise: Promise<unknown>): void {
    this.#promises.push(promise);
  }
  passThroughOnException(): void {}
}

/** Whether `promise` has settled by the time pending macrotasks ran. */
async function settledSoon(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  return settled;
}

const VARIANTS = [
  ['node:crypto', (o: WebhookReceiverOptions) => new NodeReceiver(o)],
  ['WebCrypto', (o: WebhookReceiverOptions) => new WebReceiver(o)],
] as const;

describe.each(VARIANTS)('fetchHandler and waitUntil (%s)', (_name, make) => {
  /** An async receiver whose handler records ids and waits on `hold` before returning. */
  function asyncReceiver(hold?: Promise<void>, fail?: boolean) {
    const inbox = new MemoryInbox();
    const ran: string[] = [];
    const errors: string[] = [];
    const receiver = make({ secret: SECRET, now, ackMode: 'async', inbox, logger: 'silent' })
      .on('compliance.decision_made', async (event) => {
        if (hold !== undefined) await hold;
        if (fail === true) throw new Error('database down');
        ran.push(event.id);
      })
      .onError((error, context) => {
        errors.push(`${context.stage} ${isWebhooksError(error) ? error.code : 'other'}`);
      });
    return { receiver, inbox, ran, errors };
  }

  it('fetch(request, env, ctx): ctx.waitUntil gets, before the 202, a promise that resolves only after the handlers ran', async () => {
    const held = gate();
    const { receiver, inbox, ran } = asyncReceiver(held.opened);
    const ctx = new ExecutionContextLike();
    const { request, id } = signedRequest();
    const response = await fetchHandler(receiver)(request, { SECRET: 'env binding' }, ctx);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ received: true, queued: true });
    expect(ctx.promises).toHaveLength(1);
    const work = ctx.promises[0] as Promise<unknown>;
    // The handler has started and is held: the promise must not settle before it returns.
    expect(await settledSoon(work)).toBe(false);
    expect(ran).toEqual([]);
    held.open();
    await expect(work).resolves.toBeUndefined();
    expect(ran).toEqual([id]);
    expect(await inbox.pending(10)).toEqual([]); // Inbox.complete ran before it resolved too
  });

  it("export default { fetch: fetchHandler(receiver) }: the module Worker's call hands the work to ctx", async () => {
    const { receiver, ran } = asyncReceiver();
    const worker = { fetch: fetchHandler(receiver) };
    const ctx = new ExecutionContextLike();
    const { request, id } = signedRequest();
    expect((await worker.fetch(request, {}, ctx)).status).toBe(202);
    expect(ctx.promises).toHaveLength(1);
    await ctx.promises[0];
    expect(ran).toEqual([id]);
  });

  it('(request, context) with context.waitUntil (Vercel, Pages Functions, Next.js middleware; or { waitUntil } by hand)', async () => {
    const { receiver, ran } = asyncReceiver();
    const handed: Promise<unknown>[] = [];
    const context = { params: {}, waitUntil: (p: Promise<unknown>) => void handed.push(p) };
    const { request, id } = signedRequest();
    expect((await fetchHandler(receiver)(request, context)).status).toBe(202);
    expect(handed).toHaveLength(1);
    await handed[0];
    expect(ran).toEqual([id]);
  });

  it("takes the third argument's waitUntil over the second's", async () => {
    const { receiver } = asyncReceiver();
    const second: unknown[] = [];
    const ctx = new ExecutionContextLike();
    await fetchHandler(receiver)(
      signedRequest().request,
      { waitUntil: (p: unknown) => void second.push(p) },
      ctx,
    );
    expect([second.length, ctx.promises.length]).toEqual([0, 1]);
    await receiver.idle();
  });

  it('looks at the third and second arguments only: a waitUntil in the fourth is ignored', async () => {
    const { receiver, ran } = asyncReceiver();
    const fourth = new ExecutionContextLike();
    const { request, id } = signedRequest();
    const call = fetchHandler(receiver) as (...args: unknown[]) => Promise<Response>;
    expect((await call(request, {}, undefined, fourth)).status).toBe(202);
    expect(fourth.promises).toHaveLength(0);
    await receiver.idle();
    expect(ran).toEqual([id]);
  });

  it("ignores arguments without a waitUntil method (Bun's server, Deno's serve info, Next.js's { params }); the handlers still run", async () => {
    const { receiver, ran } = asyncReceiver();
    const others: unknown[][] = [
      [],
      [{ requestIP() {}, upgrade() {} }],
      [{ remoteAddr: { hostname: '127.0.0.1' }, completed: Promise.resolve() }],
      [{ params: Promise.resolve({}) }],
      [{ waitUntil: 'not a function' }, null],
      [
        new Proxy(
          {},
          {
            get() {
              throw new Error('no such binding');
            },
          },
        ),
      ],
    ];
    const handler = fetchHandler(receiver);
    for (const args of others) {
      const response = await handler(signedRequest().request, ...args);
      expect(response.status).toBe(202);
    }
    await receiver.idle();
    expect(ran).toHaveLength(others.length);
  });

  it('a failing handler: the promise resolves (never rejects) after Inbox.fail; the entry stays pending', async () => {
    const { receiver, inbox, errors } = asyncReceiver(undefined, true);
    const ctx = new ExecutionContextLike();
    const { request, id } = signedRequest();
    expect((await fetchHandler(receiver)(request, {}, ctx)).status).toBe(202);
    await expect(ctx.promises[0]).resolves.toBeUndefined();
    const pending = await inbox.pending(10);
    expect(pending.map((e) => [e.key, e.attempts])).toEqual([[id, 1]]);
    expect(errors).toEqual(['handler other']);
  });

  it('no after-ack work, no call: sync mode, a duplicate, a 401, a GET', async () => {
    const sync = make({ secret: SECRET, now, logger: 'silent' }).onAny(() => undefined);
    const ctx = new ExecutionContextLike();
    const first = signedRequest();
    expect((await fetchHandler(sync)(first.request, {}, ctx)).status).toBe(200);
    const { receiver } = asyncReceiver();
    const handler = fetchHandler(receiver);
    const queued = signedRequest();
    const again = queued.request.clone();
    expect((await handler(queued.request, {}, ctx)).status).toBe(202);
    expect(ctx.promises).toHaveLength(1);
    await ctx.promises[0];
    expect((await handler(again, {}, ctx)).status).toBe(200); // duplicate
    const unsigned = new Request('http://127.0.0.1/webhooks', {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect((await handler(unsigned, {}, ctx)).status).toBe(401);
    expect((await handler(new Request('http://127.0.0.1/webhooks'), {}, ctx)).status).toBe(405);
    expect(ctx.promises).toHaveLength(1);
  });

  it('a waitUntil that throws: still 202, reported at stage inbox; the handlers run as without it', async () => {
    const { receiver, ran, errors } = asyncReceiver();
    const ctx = {
      waitUntil() {
        throw new Error('This ExecutionContext is no longer valid.');
      },
    };
    const { request, id } = signedRequest();
    expect((await fetchHandler(receiver)(request, {}, ctx)).status).toBe(202);
    await receiver.idle();
    expect(ran).toEqual([id]);
    expect(errors).toEqual(['inbox other']);
  });

  it('receiver.handle(request, { waitUntil }) hands the same work over without an adapter', async () => {
    const held = gate();
    const { receiver, ran } = asyncReceiver(held.opened);
    const handed: Promise<void>[] = [];
    const { request, id } = signedRequest();
    const answer = await receiver.handle(
      { method: 'POST', headers: request.headers, body: await request.text() },
      { waitUntil: (work) => void handed.push(work) },
    );
    expect(answer.status).toBe(202);
    expect(handed).toHaveLength(1);
    expect(await settledSoon(handed[0] as Promise<void>)).toBe(false);
    held.open();
    await handed[0];
    expect(ran).toEqual([id]);
  });
});
