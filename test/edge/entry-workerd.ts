// Entry of the workerd bundle: a Worker whose `test` handler (`workerd test`) runs every suite and
// prints the report as one line for run.mjs. Served cases go through the SELF service binding to
// this Worker's own `fetch`, so requests and bodies cross workerd's real HTTP machinery, and each
// runs in a request of its own that ends with its response.
import { type FetchHandler, RESULT_MARKER, runSuites } from './harness.js';
import { suites } from './suites/index.js';

interface Env {
  readonly SELF: { fetch(request: Request): Promise<Response> };
}

/** Handlers being served, by path: the isolate is shared by `test` and `fetch`. */
const handlers = new Map<string, FetchHandler>();
let served = 0;

export default {
  // Served handlers get what a Worker's fetch gets, env and ctx (ExecutionContext) included, as
  // with `export default { fetch: fetchHandler(receiver) }`.
  async fetch(request: Request, env: Env, ctx: unknown): Promise<Response> {
    const prefix = new URL(request.url).pathname.split('/')[1] ?? '';
    const handler = handlers.get(prefix);
    return handler === undefined
      ? new Response('no handler', { status: 404 })
      : handler(request, env, ctx);
  },

  async test(_controller: unknown, env: Env): Promise<void> {
    const report = await runSuites(suites, {
      name: 'workerd',
      version: 'see run.mjs',
      async serve(handler) {
        served += 1;
        const prefix = `served-${served}`;
        handlers.set(prefix, handler);
        return {
          fetch: ({ path = '/webhooks', ...init }) =>
            env.SELF.fetch(new Request(`http://edge.test/${prefix}${path}`, init)),
          close: async () => {
            handlers.delete(prefix);
          },
        };
      },
    });
    console.log(`${RESULT_MARKER}${JSON.stringify(report)}`);
    if (report.failed > 0) throw new Error(`${report.failed} edge case(s) failed`);
  },
};
