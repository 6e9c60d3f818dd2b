// `npm start`: the webhooks service running locally, ready to try with curl. It runs two CLI
// commands from the sources as child processes: `serve` on PGlite in ./.novatrade-webhooks (a
// demo API key, receivers on this machine allowed, no rate limits) and `listen`, a sample
// receiver subscribed to every event; it registers `listen` as an endpoint once, then prints the
// API's address, the demo key and three curl lines that work as printed (register an endpoint,
// publish an event, read listen's delivery history). Both children's output follows, prefixed
// `serve  │` and `listen │`. Ctrl-C (SIGINT), SIGTERM or SIGHUP (the terminal closed) stops both
// and exits 0, also during start-up; should this script die without stopping them (kill -9), each
// child stops itself (see PARENT_GUARD).
//
// State kept across runs, in the data directory (git-ignored): PGlite's database, and demo.json
// (mode 0600) with the demo API key (random, made on the first run), the organization it acts
// for, and listen's endpoint with its signing secret (the API shows a secret only when it
// creates the endpoint). Settings from the environment: NOVATRADE_WEBHOOKS_DATA_DIR (default
// ./.novatrade-webhooks), PORT (serve, default 8080), LISTEN_PORT (listen, default 8081).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVENT_TYPES } from '../src/core/catalog/event-types.js';
import { createSampleEvent } from '../src/core/catalog/sample-events.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CLI = join(ROOT, 'src', 'cli', 'bin.ts');
const HOST = '127.0.0.1';
/** How long serve may take to answer /healthz (the first start creates the database). */
const READY_TIMEOUT_MS = 120_000;

/**
 * Preloaded into each child (`--import`, before the CLI): the child gets an IPC channel to this
 * script, which the system closes when this script ends in any way (kill -9 included); the child
 * then sends itself SIGTERM, the orderly stop, so it never outlives this script holding its port
 * and serve's data-directory lock. The children cannot simply share this script's process group
 * instead: Ctrl-C in a terminal signals the whole foreground group, so each child would get the
 * terminal's SIGINT and then ours, and serve takes a second signal as "exit at once" (see
 * `startCommand`). The channel is unref'd once the listener's own ref (taken on the next tick)
 * is in place, so it never keeps a child running that has finished.
 */
const PARENT_GUARD = `data:text/javascript,${encodeURIComponent(
  "process.once('disconnect', () => {" +
    // The pipes' reader went with this script: a write must not crash the child's orderly stop.
    "  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});" +
    "  process.kill(process.pid, 'SIGTERM');" +
    '});' +
    'setImmediate(() => process.channel?.unref());',
)}`;

/** What start.ts keeps in the data directory across runs. */
interface DemoState {
  readonly apiKey: string;
  readonly organizationUuid: string;
  /** The partner of the sample event in the printed curl line. */
  readonly partnerUuid: string;
  /** listen's endpoint, once registered: its secret is shown by the API only at creation. */
  readonly listenEndpoint?: { readonly id: string; readonly url: string; readonly secret: string };
}

/** A failure that ends the script with a message (no stack trace). */
class StartError extends Error {}

function fail(message: string): never {
  throw new StartError(message);
}

function portFromEnv(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65_535) {
    fail(`${name} must be a port from 1 to 65535.`);
  }
  return Number(value);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** demo.json's contents, checked; `undefined` when there is none yet. */
function readState(path: string): DemoState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const corrupt = (): never =>
    fail(`${path} is not what npm start wrote; delete it (and restart) to begin afresh.`);
  let state: Partial<DemoState>;
  try {
    state = JSON.parse(text) as Partial<DemoState>;
  } catch {
    return corrupt();
  }
  if (
    typeof state.apiKey !== 'string' ||
    !/^demo_[\w-]{32,}$/.test(state.apiKey) ||
    typeof state.organizationUuid !== 'string' ||
    !UUID.test(state.organizationUuid) ||
    typeof state.partnerUuid !== 'string' ||
    !UUID.test(state.partnerUuid)
  ) {
    return corrupt();
  }
  const endpoint = state.listenEndpoint;
  if (
    endpoint !== undefined &&
    (typeof endpoint?.id !== 'string' ||
      typeof endpoint.url !== 'string' ||
      typeof endpoint.secret !== 'string')
  ) {
    return corrupt();
  }
  return state as DemoState;
}

/** Writes demo.json (mode 0600) under a temporary name first, so it is never half-written. */
function writeState(path: string, state: DemoState): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

/** A child's lines, prefixed, to our stdout or stderr (a line at a time, never half of one). */
function pipeLines(child: ChildProcess, prefix: string, onLine?: (line: string) => void): void {
  for (const [stream, target] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ] as const) {
    if (stream === null) continue;
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        target.write(`${prefix}${line}\n`);
        if (target === process.stdout) onLine?.(line);
      }
    });
    stream.on('end', () => {
      if (partial !== '') target.write(`${prefix}${partial}\n`);
    });
  }
}

/** A CLI command from the sources, in a process group of its own (see `stop`). */
function startCommand(
  name: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  onLine?: (line: string) => void,
): ChildProcess {
  const colour =
    process.stdout.isTTY === true && (process.env.NO_COLOR ?? '') === ''
      ? { FORCE_COLOR: '1' }
      : {};
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', PARENT_GUARD, CLI, ...args],
    {
      cwd: ROOT,
      env: { ...process.env, ...colour, ...env },
      // The IPC channel ties the child to this script (PARENT_GUARD).
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Ctrl-C in a terminal signals the whole foreground process group, and closing the terminal
      // sends SIGHUP to its session. In a session and group of their own, the children get exactly
      // one signal, ours (`serve` takes a second one as "exit at once"); their tie to this script
      // is the IPC channel.
      detached: process.platform !== 'win32',
    },
  );
  pipeLines(child, `${name.padEnd(6)} │ `, onLine);
  return child;
}

/** How a child ended: its exit status, or the signal that ended it. */
interface ChildEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Resolves once the child has exited. */
function exited(child: ChildProcess): Promise<ChildEnd> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** `status 1`, or `signal SIGTERM`: how a child ended, for a message. */
function describeEnd(end: ChildEnd): string {
  return end.signal === null ? `status ${end.code}` : `signal ${end.signal}`;
}

/**
 * `serve` has bound its port (`bound()`, from its `listening on` line) and answers /healthz 200;
 * returns at once when a stop was asked for (`stopping()`); fails when serve exits first or takes
 * too long.
 */
async function waitForHealth(
  base: string,
  serve: ChildProcess,
  bound: () => boolean,
  stopping: () => boolean,
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let serveEnd: ChildEnd | undefined;
  void exited(serve).then((end) => {
    serveEnd = end;
  });
  while (Date.now() < deadline) {
    if (stopping()) return;
    if (serveEnd !== undefined)
      fail(
        `serve stopped (${describeEnd(serveEnd)}) before it was ready: see its lines above (PORT=… picks another port).`,
      );
    try {
      // Only once our serve has bound the port: another program on it must not pass for it.
      if (bound()) {
        const response = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2_000) });
        if (response.ok) return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  fail(`serve did not answer ${base}/healthz within ${READY_TIMEOUT_MS / 1000} s.`);
}

/** One call to the management API with the demo key; fails on an unexpected status. */
async function callApi(
  base: string,
  apiKey: string,
  request: { method: string; path: string; body?: unknown; expect: readonly number[] },
): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = { authorization: `Bearer ${apiKey}` };
  if (request.method !== 'GET') {
    headers['idempotency-key'] = randomUUID();
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${base}${request.path}`, {
    method: request.method,
    headers,
    ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
  });
  const text = await response.text();
  if (!request.expect.includes(response.status)) {
    fail(`${request.method} ${request.path} answered ${response.status}: ${text.slice(0, 500)}`);
  }
  return { status: response.status, json: text === '' ? null : JSON.parse(text) };
}

/** Every catalog segment as a pattern (`compliance.*`, …): the root `*` is refused by design. */
function everySegment(): string[] {
  return [...new Set(EVENT_TYPES.map((type) => type.slice(0, type.indexOf('.'))))].map(
    (segment) => `${segment}.*`,
  );
}

/**
 * listen's endpoint: the one in demo.json when the API still has it at the same URL, else one
 * found by URL in the list (given a new secret, since the old one is unknown), else a new one.
 */
async function ensureListenEndpoint(
  base: string,
  state: DemoState,
  listenUrl: string,
): Promise<NonNullable<DemoState['listenEndpoint']>> {
  const known = state.listenEndpoint;
  if (known !== undefined && known.url === listenUrl) {
    const found = await callApi(base, state.apiKey, {
      method: 'GET',
      path: `/v1/webhooks/${encodeURIComponent(known.id)}`,
      expect: [200, 404],
    });
    if (found.status === 200) return known;
  }
  const list = await callApi(base, state.apiKey, {
    method: 'GET',
    path: '/v1/webhooks',
    expect: [200],
  });
  const existing = (list.json as { id: string; url: string }[]).find((e) => e.url === listenUrl);
  if (existing !== undefined) {
    const rotated = await callApi(base, state.apiKey, {
      method: 'POST',
      path: `/v1/webhooks/${encodeURIComponent(existing.id)}/rotate-secret`,
      body: { overlapMs: 0 },
      expect: [200],
    });
    return { id: existing.id, url: listenUrl, secret: (rotated.json as { secret: string }).secret };
  }
  const created = await callApi(base, state.apiKey, {
    method: 'POST',
    path: '/v1/webhooks',
    body: {
      url: listenUrl,
      events: everySegment(),
      description: 'npm start: the sample receiver (novatrade-webhooks listen)',
    },
    expect: [201],
  });
  const endpoint = created.json as { id: string; secret: string };
  return { id: endpoint.id, url: listenUrl, secret: endpoint.secret };
}

/** The three curl lines, for sh and bash as printed. */
function curlLines(options: {
  readonly base: string;
  readonly apiKey: string;
  readonly partnerUuid: string;
  readonly listenEndpointId: string;
}): readonly [register: string, publish: string, history: string] {
  const auth = `-H "Authorization: Bearer ${options.apiKey}"`;
  const write = `${auth} -H 'Content-Type: application/json' -H "Idempotency-Key: $(date +%s%N)"`;
  const endpoint = JSON.stringify({
    url: 'http://127.0.0.1:3000/webhooks',
    events: ['kyc.verification_completed'],
  });
  const event = JSON.stringify({
    type: 'compliance.decision_made',
    partnerUuid: options.partnerUuid,
    data: createSampleEvent('compliance.decision_made', {
      data: { orderUuid: randomUUID(), decision: 'VAT_APPLICABLE' },
    }).data,
  });
  // -w '\n': the answer ends with a line break, so the prompt starts on a line of its own.
  return [
    `curl -sS -w '\\n' ${options.base}/v1/webhooks ${write} -d '${endpoint}'`,
    `curl -sS -w '\\n' ${options.base}/v1/events ${write} -d '${event}'`,
    `curl -sS -w '\\n' ${options.base}/v1/webhooks/${options.listenEndpointId}/deliveries ${auth}`,
  ];
}

async function main(): Promise<void> {
  const dataDir = resolve(process.env.NOVATRADE_WEBHOOKS_DATA_DIR || '.novatrade-webhooks');
  const port = portFromEnv('PORT', 8080);
  const listenPort = portFromEnv('LISTEN_PORT', 8081);
  if (port === listenPort) fail('PORT and LISTEN_PORT must differ.');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const statePath = join(dataDir, 'demo.json');
  let state = readState(statePath);
  if (state === undefined) {
    state = {
      apiKey: `demo_${randomBytes(24).toString('base64url')}`,
      organizationUuid: randomUUID(),
      partnerUuid: randomUUID(),
    };
    writeState(statePath, state);
  }

  // A closed terminal (SIGHUP) or a closed pipe fails our writes: that must not end this script
  // before its children have stopped.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

  const children = new Map<string, ChildProcess>();
  let stopping = false;
  let stoppingSinceMs = 0;
  const stop = (signal: NodeJS.Signals, announce = true): void => {
    if (stopping) {
      // Ctrl-C reaches this script twice at once under npm: from the terminal, and forwarded by
      // npm. Only a later one is a second Ctrl-C, passed on so that serve exits at once (status
      // 130) as it documents (as SIGTERM for a SIGHUP, which the CLI does not handle).
      if (Date.now() - stoppingSinceMs < 1_000) return;
      for (const child of children.values()) child.kill(signal === 'SIGHUP' ? 'SIGTERM' : signal);
      return;
    }
    stopping = true;
    stoppingSinceMs = Date.now();
    if (announce) process.stdout.write(`\nStopping serve and listen (${signal})…\n`);
    for (const child of children.values()) child.kill('SIGTERM');
  };
  const isStopping = (): boolean => stopping;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => stop(signal));
  }

  const base = `http://${HOST}:${port}`;
  let serveBound = false;
  const serve = startCommand(
    'serve',
    [
      'serve',
      '--data-dir',
      dataDir,
      '--host',
      HOST,
      '--port',
      String(port),
      '--allow-private-networks',
      '--no-rate-limit',
    ],
    // The key through the environment, not the command line (which `ps` shows). A database URL
    // in the user's environment is not for this PGlite demo (empty counts as unset).
    {
      NOVATRADE_WEBHOOKS_API_KEYS: `${state.apiKey}=${state.organizationUuid}`,
      NOVATRADE_WEBHOOKS_DATABASE_URL: '',
    },
    (line) => {
      if (line.includes(`listening on ${base}`)) serveBound = true;
    },
  );
  children.set('serve', serve);
  const outcome = (async (): Promise<number> => {
    await waitForHealth(base, serve, () => serveBound, isStopping);
    if (isStopping()) return 0;
    const listenUrl = `http://${HOST}:${listenPort}/`;
    const endpoint = await ensureListenEndpoint(base, state, listenUrl);
    if (endpoint !== state.listenEndpoint) {
      state = { ...state, listenEndpoint: endpoint };
      writeState(statePath, state);
    }
    // Never started once a stop was asked for: `stop` signals only the children it knows. From
    // here to `children.set` nothing awaits, so a signal lands before or after both.
    if (isStopping()) return 0;
    let ready: () => void = () => undefined;
    const listenReady = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const listen = startCommand(
      'listen',
      ['listen', '--host', HOST, '--port', String(listenPort)],
      // The endpoint's secret through the environment, as trigger, sign and verify read it.
      { NOVATRADE_WEBHOOKS_SECRET: endpoint.secret },
      (line) => {
        if (line.includes('Listening on ')) ready();
      },
    );
    children.set('listen', listen);
    const listenEnded = exited(listen);
    const first = await Promise.race([listenReady.then(() => 'ready' as const), listenEnded]);
    if (first !== 'ready') {
      if (isStopping()) return 0;
      fail(
        `listen stopped (${describeEnd(first)}) before it was ready: see its lines above (LISTEN_PORT=… picks another port).`,
      );
    }
    if (!isStopping()) printBanner({ base, state, endpoint, dataDir });
    return 0;
  })();

  let status = 0;
  try {
    await outcome;
  } catch (error) {
    // Once a stop was asked for, a failed step of the start-up (serve gone under a request) is
    // the stop itself, not an error.
    if (!isStopping()) {
      status = 1;
      process.stderr.write(
        `npm start: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      stop('SIGTERM', false);
    }
  }
  // Until both children have exited: a stop, or one of them ending on its own.
  const ended = await Promise.race(
    [...children.entries()].map(async ([name, child]) => ({ name, end: await exited(child) })),
  );
  if (!isStopping()) {
    process.stderr.write(
      `npm start: ${ended.name} exited (${describeEnd(ended.end)}); stopping.\n`,
    );
    status = 1;
    stop('SIGTERM', false);
  }
  const ends = await Promise.all([...children.values()].map(exited));
  // A child that ended of our SIGTERM before it could handle it (still loading) was stopped too.
  const clean = (end: ChildEnd): boolean => end.code === 0 || end.signal === 'SIGTERM';
  if (!ends.every(clean)) status = status === 0 ? 1 : status;
  process.exitCode = status;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.removeAllListeners(signal);
}

function printBanner(options: {
  readonly base: string;
  readonly state: DemoState;
  readonly endpoint: NonNullable<DemoState['listenEndpoint']>;
  readonly dataDir: string;
}): void {
  const { base, state, endpoint } = options;
  const [register, publish, history] = curlLines({
    base,
    apiKey: state.apiKey,
    partnerUuid: state.partnerUuid,
    listenEndpointId: endpoint.id,
  });
  const rule = '─'.repeat(78);
  process.stdout.write(
    [
      rule,
      `The webhooks service runs at ${base} (state in ${options.dataDir}).`,
      `  API key       ${state.apiKey}   (a local demo key, kept in demo.json)`,
      `  organization  ${state.organizationUuid}`,
      `  receiver      ${endpoint.url}: novatrade-webhooks listen, endpoint ${endpoint.id}, every event`,
      '',
      '# 1. Register an endpoint (your own handler on port 3000, for kyc.verification_completed):',
      register,
      '# 2. Publish an event: serve delivers it to listen, which prints it below:',
      publish,
      '# 3. Read the delivery history of listen’s endpoint:',
      history,
      '',
      'Ctrl-C stops both. Guide: docs/cli.md',
      rule,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`npm start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
