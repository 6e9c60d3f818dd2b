// The runtime-neutral test harness of the edge suites (test/edge/README.md): a suite registers
// named cases with `test`, a runtime entry runs them one after another and reports plain JSON.
// Nothing here touches a `node:` module, Bun, Deno or workerd APIs: the same bundle runs on each.

/** One case: passes unless it throws or rejects. */
export type TestFn = () => void | Promise<void>;

/**
 * A Fetch handler served by the runtime's own server (Bun.serve, Deno.serve, a service binding),
 * called with what that server passes after the request (Bun's server, Deno's info, workerd's
 * env and ExecutionContext).
 */
export type FetchHandler = (
  request: Request,
  ...context: unknown[]
) => Response | Promise<Response>;

/** A handler being served: `fetch` sends a request to it through the runtime's server. */
export interface Served {
  fetch(init: RequestInit & { path?: string }): Promise<Response>;
  close(): Promise<void>;
}

/**
 * A case that fails on some runtimes because of a known bug: it still runs there, and is
 * reported as a known failure (counted as skipped). If it passes, it fails, so the mark is
 * removed with the fix.
 */
export interface KnownFailure {
  readonly runtimes: readonly string[];
  /** What is wrong and where, for the log. */
  readonly reason: string;
}

/** What a suite sees of the runtime it runs on. */
export interface Harness {
  /** `workerd`, `bun`, `deno` or `node`. */
  readonly runtime: string;
  test(name: string, fn: TestFn, options?: { readonly knownFailure?: KnownFailure }): void;
  /**
   * Serves `handler` over the runtime's own HTTP server (or service binding); absent where the
   * runtime has none (Node runs the bundle only to debug the suites).
   */
  readonly serve: ((handler: FetchHandler) => Promise<Served>) | undefined;
}

/** A suite: a function that registers its cases. */
export type Suite = (harness: Harness) => void;

export interface TestResult {
  readonly name: string;
  readonly status: 'passed' | 'failed' | 'known-failure';
  readonly ms: number;
  /** The failure (message and the first stack lines), or a known failure's reason and error. */
  readonly error?: string;
}

/** What an entry prints, after {@link RESULT_MARKER}, as one line of JSON. */
export interface Report {
  readonly runtime: string;
  readonly runtimeVersion: string;
  readonly passed: number;
  readonly failed: number;
  /** Known failures ({@link KnownFailure}) that failed as expected. */
  readonly skipped: number;
  readonly tests: readonly TestResult[];
}

/** The prefix of the one stdout line that carries the {@link Report}. */
export const RESULT_MARKER = 'EDGE_RESULT ';

/** Per-case deadline: a hung promise fails its case instead of the whole run. */
const CASE_TIMEOUT_MS = 15_000;

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const stack = (error.stack ?? '').split('\n').slice(1, 6).join('\n');
    return `${error.name}: ${error.message}${stack === '' ? '' : `\n${stack}`}`;
  }
  return `thrown non-Error: ${String(error)}`;
}

async function withDeadline(fn: TestFn): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`did not finish within ${CASE_TIMEOUT_MS} ms`)),
      CASE_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([Promise.resolve().then(fn), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

interface Case {
  readonly name: string;
  readonly fn: TestFn;
  readonly knownFailure: string | undefined;
}

async function runCase({ name, fn, knownFailure }: Case): Promise<TestResult> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    await withDeadline(fn);
  } catch (error) {
    return knownFailure === undefined
      ? { name, status: 'failed', ms: ms(), error: describeError(error) }
      : {
          name,
          status: 'known-failure',
          ms: ms(),
          error: `${knownFailure}\n${describeError(error)}`,
        };
  }
  return knownFailure === undefined
    ? { name, status: 'passed', ms: ms() }
    : {
        name,
        status: 'failed',
        ms: ms(),
        error: `passed, but is marked as a known failure here (${knownFailure}): remove the mark`,
      };
}

/**
 * Registers every suite, then runs the cases in order. A name registered twice is a failure of
 * its own (results are matched by name across runtimes).
 */
export async function runSuites(
  suites: readonly Suite[],
  runtime: { name: string; version: string; serve?: Harness['serve'] },
): Promise<Report> {
  const cases: Case[] = [];
  const names = new Set<string>();
  const harness: Harness = {
    runtime: runtime.name,
    serve: runtime.serve,
    test(name, fn, options) {
      if (names.has(name)) {
        const duplicate = () => {
          throw new Error(`two cases are named "${name}"`);
        };
        cases.push({ name: `${name} (duplicate)`, fn: duplicate, knownFailure: undefined });
        return;
      }
      names.add(name);
      const known = options?.knownFailure;
      const reason = known?.runtimes.includes(runtime.name) ? known.reason : undefined;
      cases.push({ name, fn, knownFailure: reason });
    },
  };
  for (const suite of suites) suite(harness);

  const tests: TestResult[] = [];
  for (const item of cases) tests.push(await runCase(item));
  const count = (status: TestResult['status']) => tests.filter((t) => t.status === status).length;
  return {
    runtime: runtime.name,
    runtimeVersion: runtime.version,
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('known-failure'),
    tests,
  };
}
