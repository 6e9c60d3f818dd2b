// Entry of the workerd bundle: a Worker whose `test` handler (`workerd test`) runs every suite and
// prints the report as one line for run.mjs. Served cases go through the SELF service binding to
// this Worker's own `fetch`, so requests and bodies cross workerd's real HTTP machinery.
import { type FetchHandler, RESULT_MARKER, runSuites } from './harness.js';
import { suites } from './suites/index.js';

interface Env {
  readonly SELF: { fetch(request: Request): Promise<Response> };
}

/** Handlers being served, by path: the isolate is shared by `test` and `fetch`. */
const handlers = new Map<string, FetchHandler>();
let served = 0;

export default {
  async fetch(request: Request): Promise<Response> {
    const prefix = new URL(request.url).pathname.split('/')[1] ?? '';
    const handler = handlers.get(prefix);
    return handler === undefined ? new Response('no handler', { status: 404 }) : handler(request);
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
