// Runs the edge suites (test/edge/README.md) against the BUILT /web entry on workerd, Bun and
// Deno: fetches each runtime once from the npm registry into .ci/.cache (exact versions, below),
// bundles the suites with dist/web.js and dist/client.js for each, runs them with a deadline and reads back the one
// JSON report line each prints. Prints `edge <runtime>: N passed, M failed` and writes
// .ci/.cache/edge-<runtime>.json for the closing line of .ci/run. Exit status 1 if a case failed,
// a runtime produced no report, or ran no case.
//
//   node test/edge/run.mjs                    # after `npm run build`; all three runtimes
//   node test/edge/run.mjs --runtime deno     # one of them (repeatable); `node` runs the bundle
//                                             # on this Node, without the served cases' server
//   node test/edge/run.mjs --verbose          # every case with its time
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('../..', import.meta.url));
process.chdir(root); // tsup (esbuild) resolves and names inputs from the working directory
const cache = join(root, '.ci', '.cache');
const out = join(cache, 'edge');
const MARKER = 'EDGE_RESULT ';
const RUN_TIMEOUT_MS = 180_000;

const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
/** Bun's default x64 build needs AVX2; its `-baseline` build runs on any x86-64. */
const hasAvx2 = () => {
  try {
    return /\bavx2\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
};

/** The runtimes, pinned to exact versions; each package ships the official Linux binary. */
const RUNTIMES = {
  workerd: {
    package: `@cloudflare/workerd-linux-${arch === 'arm64' ? 'arm64' : '64'}`,
    version: '1.20261123.1',
    binary: 'bin/workerd',
  },
  bun: {
    package:
      arch === 'arm64'
        ? '@oven/bun-linux-aarch64'
        : `@oven/bun-linux-x64${hasAvx2() ? '' : '-baseline'}`,
    version: '1.4.5',
    binary: 'bin/bun',
  },
  deno: {
    package: `@deno/linux-${arch}-glibc`,
    version: '2.9.6',
    binary: 'deno',
  },
  node: { package: undefined, version: process.version, binary: process.execPath },
};

const { values } = parseArgs({
  options: {
    runtime: { type: 'string', multiple: true },
    verbose: { type: 'boolean', default: false },
  },
});
const selected = values.runtime ?? ['workerd', 'bun', 'deno'];
for (const name of selected) {
  if (!(name in RUNTIMES)) throw new Error(`unknown runtime ${name}: ${Object.keys(RUNTIMES)}`);
}

const step = (text) => console.log(`edge: ${text}`);
const since = (start) => `${((performance.now() - start) / 1000).toFixed(1)} s`;

/** The runtime's binary, installed into .ci/.cache/<name> from the npm registry if not there. */
function binaryOf(name) {
  const runtime = RUNTIMES[name];
  if (runtime.package === undefined) return runtime.binary;
  const prefix = join(cache, name);
  const dir = join(prefix, 'node_modules', runtime.package);
  const installed = () => {
    try {
      return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
    } catch {
      return undefined;
    }
  };
  if (installed() !== runtime.version) {
    const started = performance.now();
    mkdirSync(prefix, { recursive: true });
    const npm = spawnSync(
      'npm',
      [
        'install',
        '--no-save',
        '--no-audit',
        '--no-fund',
        '--prefix',
        prefix,
        `${runtime.package}@${runtime.version}`,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (npm.status !== 0 || installed() !== runtime.version) {
      throw new Error(
        `could not install ${runtime.package}@${runtime.version}: ${npm.stderr || npm.stdout}`,
      );
    }
    step(`installed ${runtime.package}@${runtime.version} (${since(started)})`);
  }
  return join(dir, runtime.binary);
}

/** Bundles each entry with the built dist/web.js and dist/client.js (never src/) and the fixtures inlined. */
async function bundle() {
  const web = join(root, 'dist', 'web.js');
  const client = join(root, 'dist', 'client.js');
  for (const file of [web, client]) {
    if (!existsSync(file))
      throw new Error(`${relative(root, file)} is missing: run \`npm run build\` first`);
  }
  const { build } = await import('tsup');
  const fixtures = {
    signatures: JSON.parse(
      readFileSync(join(root, 'test/fixtures/signature-vectors.json'), 'utf8'),
    ),
    standard: JSON.parse(
      readFileSync(join(root, 'test/fixtures/standard-webhooks-vectors.json'), 'utf8'),
    ),
  };
  rmSync(out, { recursive: true, force: true });
  await build({
    config: false,
    silent: true,
    entry: {
      'edge-cli': join(root, 'test/edge/entry-cli.ts'),
      'edge-workerd': join(root, 'test/edge/entry-workerd.ts'),
    },
    outDir: out,
    format: ['esm'],
    outExtension: () => ({ js: '.mjs' }),
    platform: 'neutral',
    target: 'es2022',
    splitting: false,
    sourcemap: false,
    dts: false,
    treeshake: false,
    metafile: true,
    noExternal: [/.*/],
    esbuildPlugins: [
      {
        // The package name means the built file, as in an installed copy of the package.
        name: 'built-web-entry',
        setup(b) {
          b.onResolve({ filter: /^@novatrade24\/webhooks\/web$/ }, () => ({ path: web }));
          b.onResolve({ filter: /^@novatrade24\/webhooks\/client$/ }, () => ({ path: client }));
          b.onResolve({ filter: /^@novatrade24\/webhooks(\/.*)?$/ }, (args) => ({
            errors: [
              {
                text: `the edge suites import only @novatrade24/webhooks/web and /client, not ${args.path}`,
              },
            ],
          }));
        },
      },
    ],
    esbuildOptions(options) {
      options.define = { ...options.define, __EDGE_FIXTURES__: JSON.stringify(fixtures) };
      options.conditions = ['worker', 'browser', 'import', 'default'];
      options.mainFields = ['module', 'main'];
    },
  });
  // What went in: dist/web.js and its chunks, never a source file of the package.
  const meta = JSON.parse(readFileSync(join(out, 'metafile-esm.json'), 'utf8'));
  const inputs = Object.keys(meta.inputs).map((p) => relative(root, join(root, p)));
  const fromSrc = inputs.filter((p) => p.startsWith('src/'));
  const entries = ['dist/web.js', 'dist/client.js'];
  if (entries.some((entry) => !inputs.includes(entry)) || fromSrc.length > 0) {
    throw new Error(
      `the bundles must load ${entries.join(' and ')} and no src/ file; src files: ${fromSrc.join(', ') || 'none'}`,
    );
  }
  const nodeImports = Object.values(meta.outputs).flatMap((o) =>
    o.imports.filter((i) => i.external).map((i) => i.path),
  );
  if (nodeImports.length > 0) throw new Error(`the bundles import ${nodeImports.join(', ')}`);
  writeFileSync(
    join(out, 'workerd.capnp'),
    `# Written by test/edge/run.mjs: one Worker, without nodejs_compat, that can call itself.
using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (services = [(name = "edge", worker = .edge)]);
const edge :Workerd.Worker = (
  modules = [(name = "edge-workerd.mjs", esModule = embed "edge-workerd.mjs")],
  compatibilityDate = "${RUNTIMES.workerd.version.replace(/^1\.(\d{4})(\d{2})(\d{2})\..*$/, '$1-$2-$3')}",
  bindings = [(name = "SELF", service = "edge")],
);
`,
  );
}

/** The command that runs the suites on `name`. */
function command(name, binary) {
  const cli = join(out, 'edge-cli.mjs');
  switch (name) {
    case 'workerd':
      return [binary, ['test', join(out, 'workerd.capnp')], {}];
    case 'bun':
      return [binary, ['run', '--no-install', cli], { BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0' }];
    case 'deno':
      // Network on loopback only (the served cases); no file, environment or other access.
      return [
        binary,
        ['run', '--no-prompt', '--no-config', '--no-lock', '--allow-net=127.0.0.1', cli],
        { DENO_DIR: join(cache, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1' },
      ];
    default:
      return [binary, [cli], {}];
  }
}

function runOnce(file, args, env) {
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      cwd: out,
      // The served cases talk to 127.0.0.1: never through a proxy from the environment.
      env: { ...process.env, NO_COLOR: '1', NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr: `${stderr}${error.message}` });
    });
  });
}

/** `workerd 2026-11-23`, `bun 1.4.5`, `deno 2.9.6`, `node v22.…`, from the binary itself. */
function version(name, binary) {
  if (name === 'node') return `node ${process.version}`;
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  const first = (result.stdout || result.stderr || '?').trim().split('\n')[0];
  const number = first.replace(/^(workerd|deno|bun)\s+/, '').split(' ')[0];
  return `${name} ${number}`;
}

async function run(name) {
  const started = performance.now();
  const binary = binaryOf(name);
  const runtimeVersion = version(name, binary);
  const [file, args, env] = command(name, binary);
  const result = await runOnce(file, args, env);
  const line = result.stdout.split('\n').find((l) => l.startsWith(MARKER));
  let report;
  try {
    report = line === undefined ? undefined : JSON.parse(line.slice(MARKER.length));
  } catch {
    report = undefined;
  }
  const seconds = since(started);
  if (report === undefined) {
    const why =
      result.signal === 'SIGKILL' ? `killed after ${RUN_TIMEOUT_MS} ms` : `exit ${result.code}`;
    console.log(`edge ${name}: no report (${why}, ${seconds})`);
    console.log(`${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-40).join('\n'));
    return {
      runtime: name,
      runtimeVersion,
      passed: 0,
      failed: 0,
      skipped: 0,
      broken: true,
      tests: [],
    };
  }
  const total = report.passed + report.failed + report.skipped;
  console.log(
    `edge ${name}: ${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped` +
      ` (${runtimeVersion}, ${seconds})`,
  );
  const indent = (text) => `    ${text.replaceAll('\n', '\n    ')}`;
  for (const test of report.tests) {
    if (test.status === 'failed') {
      console.log(`  FAIL ${test.name}\n${indent(test.error)}`);
    } else if (test.status === 'known-failure') {
      // The reason always; the error and its stack with --verbose.
      const error = values.verbose ? test.error : test.error.split('\n')[0];
      console.log(`  KNOWN FAILURE, counted as skipped: ${test.name}\n${indent(error)}`);
    } else if (values.verbose) {
      console.log(`  ok   ${test.name} (${test.ms} ms)`);
    }
  }
  // workerd prints its own PASS/FAIL for the test handler; a mismatch with the report is broken.
  const exitDisagrees = report.failed > 0 !== (result.code !== 0);
  if (exitDisagrees) console.log(`edge ${name}: exit ${result.code} disagrees with the report`);
  return { ...report, runtimeVersion, broken: total === 0 || exitDisagrees };
}

const started = performance.now();
await bundle();
step(`bundled the suites with dist/web.js and dist/client.js (${since(started)})`);
let status = 0;
for (const name of selected) {
  const report = await run(name).catch((error) => {
    console.log(`edge ${name}: ${error.message}`);
    return { runtime: name, runtimeVersion: name, passed: 0, failed: 0, skipped: 0, broken: true };
  });
  writeFileSync(join(cache, `edge-${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  if (report.broken) console.log(`edge ${name}: ran no case, or did not report`);
  if (report.failed > 0 || report.broken) status = 1;
}
step(`done in ${since(started)}`);
process.exitCode = status;
