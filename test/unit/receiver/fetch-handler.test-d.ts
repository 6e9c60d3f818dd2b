// Type tests (checked by `tsc -p test/tsconfig.json`): `fetchHandler(receiver)` is a Worker's
// `fetch` as it stands (the module Worker calls `fetch(request, env, ctx)`), and still a plain
// `(request) => Promise<Response>` for Deno, Bun, Hono and Next.js route handlers.
import { describe, expectTypeOf, it } from 'vitest';
import type { WebhookHandleOptions } from '../../../src/receiver/adapters/webhook-handler-target.js';
import {
  fetchHandler,
  type WebhookHandlerTarget,
  WebhookReceiver,
} from '../../../src/web/index.js';

const receiver = new WebhookReceiver({ secret: 'whsec_x', ackMode: 'async' });

/** Workers' `ExecutionContext`, structurally (the package does not depend on its types). */
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
}

describe('fetchHandler', () => {
  it('is a module Worker: export default { fetch: fetchHandler(receiver) }', () => {
    // The object a Worker's entry file exports as its default (a test file may not export).
    const worker = { fetch: fetchHandler(receiver) } satisfies {
      fetch(
        req: Request,
        env: unknown,
        ctx: { waitUntil(p: Promise<unknown>): void },
      ): Promise<Response>;
    };
    void (worker satisfies {
      fetch(req: Request, env: { SECRET: string }, ctx: ExecutionContext): Promise<Response>;
    });
    expectTypeOf(worker.fetch).returns.toEqualTypeOf<Promise<Response>>();
  });

  it('takes (request), (request, context) and (request, env, ctx)', () => {
    const handle = fetchHandler(receiver);
    const request = new Request('http://127.0.0.1/webhooks');
    void handle(request);
    void handle(request, { waitUntil: (work: Promise<unknown>) => void work });
    void handle(request, { params: Promise.resolve({}) }); // Next.js route handler's context
    void handle(request, {}, { waitUntil: (_: Promise<unknown>) => undefined });
    const POST = (r: Request) => handle(r); // Next.js: export const POST = …
    expectTypeOf(POST).toEqualTypeOf<(r: Request) => Promise<Response>>();
    // @ts-expect-error: a Request is required
    void handle();
  });

  it('WebhookHandlerTarget.handle takes { waitUntil } after the request; older targets still fit', () => {
    expectTypeOf<Parameters<WebhookHandlerTarget['handle']>[1]>().toEqualTypeOf<
      WebhookHandleOptions | undefined
    >();
    expectTypeOf<NonNullable<WebhookHandleOptions['waitUntil']>>().toEqualTypeOf<
      (work: Promise<void>) => void
    >();
    const oneArgument: WebhookHandlerTarget = {
      maxBodyBytes: 1024,
      handle: async () => ({ status: 200, headers: {}, body: '' }),
      tooLarge: () => ({ status: 413, headers: {}, body: '' }),
    };
    void fetchHandler(oneArgument);
    void fetchHandler(receiver satisfies WebhookHandlerTarget);
  });
});
