// Entry of the Bun, Deno and Node bundles: runs every suite, serving handlers with the runtime's
// own HTTP server (Bun.serve, Deno.serve), and prints the report as one line for run.mjs.
import { type FetchHandler, RESULT_MARKER, runSuites, type Served } from './harness.js';
import { suites } from './suites/index.js';

interface BunLike {
  readonly version: string;
  serve(options: { hostname: string; port: number; fetch: FetchHandler }): {
    readonly port: number;
    stop(closeActiveConnections?: boolean): Promise<void> | void;
  };
}

interface DenoLike {
  readonly version: { readonly deno: string };
  exitCode: number;
  serve(
    options: { hostname: string; port: number; onListen?: (addr: unknown) => void },
    handler: FetchHandler,
  ): { readonly addr: { readonly port: number }; shutdown(): Promise<void> };
}

const scope = globalThis as {
  Bun?: BunLike;
  Deno?: DenoLike;
  process?: { version: string; exitCode?: number };
};

function served(port: number, close: () => Promise<void>): Served {
  return {
    fetch: ({ path = '/webhooks', ...init }) => fetch(`http://127.0.0.1:${port}${path}`, init),
    close,
  };
}

/** The runtime's Fetch-style server: Bun.serve or Deno.serve (Node has none). */
function serveWith(): ((handler: FetchHandler) => Promise<Served>) | undefined {
  const { Bun, Deno } = scope;
  if (Bun !== undefined) {
    return async (handler) => {
      const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: handler });
      return served(server.port, async () => {
        await server.stop(true);
      });
    };
  }
  if (Deno !== undefined) {
    return async (handler) => {
      const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, handler);
      return served(server.addr.port, () => server.shutdown());
    };
  }
  return undefined;
}

function runtime(): { name: string; version: string } {
  if (scope.Bun !== undefined) return { name: 'bun', version: scope.Bun.version };
  if (scope.Deno !== undefined) return { name: 'deno', version: scope.Deno.version.deno };
  return { name: 'node', version: scope.process?.version ?? 'unknown' };
}

const report = await runSuites(suites, { ...runtime(), serve: serveWith() });
console.log(`${RESULT_MARKER}${JSON.stringify(report)}`);
if (report.failed > 0) {
  if (scope.Deno !== undefined) scope.Deno.exitCode = 1;
  else if (scope.process !== undefined) scope.process.exitCode = 1;
}
