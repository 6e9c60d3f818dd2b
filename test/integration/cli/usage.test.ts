// The command line as a user meets it, in real child processes: every kind of usage error (an
// unknown command or option, a missing option or argument, a bad value) prints its message on
// stderr and exits 2; `--version` prints package.json's version; each command's `--help` ends
// with examples; colour only when asked for (FORCE_COLOR), never with NO_COLOR, none when piped.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CliRun, type RunCliOptions, runCli } from '../../helpers/cli.js';

/** Runs the command lines at most four at a time (a spawn costs about half a second of CPU). */
async function runAll(
  runs: readonly (readonly [readonly string[], (RunCliOptions | undefined)?])[],
): Promise<CliRun[]> {
  const results: CliRun[] = new Array(runs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < runs.length) {
      const index = next++;
      const [args, options] = runs[index] as readonly [
        readonly string[],
        RunCliOptions | undefined,
      ];
      results[index] = await runCli(args, options);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return results;
}

const TARGET = 'http://127.0.0.1:9/hooks';
const SECRET = 'whsec_cli_usage_secret_0123';
const BODY = '{"id":"evt_1"}';

describe('usage errors (child processes)', () => {
  it('each prints its message and exits 2', { timeout: 120_000 }, async () => {
    const cases: [readonly string[], string, RunCliOptions?][] = [
      [['frobnicate'], "error: unknown command 'frobnicate'"],
      [['endpoints', 'frobnicate'], "error: unknown command 'frobnicate'"],
      [['sign', '--bogus'], "error: unknown option '--bogus'"],
      [
        ['trigger', '--url', TARGET, '--secret', SECRET],
        "error: missing required argument 'event-type'",
      ],
      [['deliveries', 'get', 'wh_1'], "error: missing required argument 'delivery-id'"],
      [
        ['trigger', 'kyc.vies_check_failed', '--secret', SECRET],
        "error: required option '--url <url>' not specified",
      ],
      [
        ['verify', '--secret', SECRET],
        "error: required option '--header <value>' not specified",
        { input: BODY },
      ],
      [
        ['sign', '--secret', SECRET, '--timestamp', 'soon'],
        "error: option '--timestamp <unix-seconds>' argument 'soon' is invalid. Expected Unix seconds: a positive integer of at most 12 digits.",
        { input: BODY },
      ],
      [
        ['sign', '--secret', SECRET, '--timestamp', '1729684200000'],
        'this looks like milliseconds (divide by 1000)',
        { input: BODY },
      ],
      [
        ['sign', '--secret', SECRET, '--profile', 'stripe'],
        "argument 'stripe' is invalid. Allowed choices are novatrade, eudr, standard-webhooks.",
      ],
      [
        ['verify', '--secret', SECRET, '--header', 't=1,v1=00', '--tolerance', '0'],
        "option '--tolerance <seconds>' argument '0' is invalid",
      ],
      [
        ['sign'],
        'error: missing the secret: pass --secret <secret>, or set NOVATRADE_WEBHOOKS_SECRET.',
        { input: BODY },
      ],
      [
        ['trigger', 'kyc.vies', '--url', TARGET, '--secret', SECRET],
        'error: unknown event type "kyc.vies" for --profile novatrade; did you mean kyc.vies_check_failed?',
      ],
      [
        ['trigger', 'kyc.vies_check_failed', '--url', 'mailto:a@b.c', '--secret', SECRET],
        'Expected an http: or https: URL; got mailto:.',
      ],
      [
        [
          'trigger',
          'compliance.decision_made',
          '--url',
          TARGET,
          '--secret',
          SECRET,
          '--data',
          '{"orderUuid": "tok_live_secret_value',
        ],
        'error: --data is not valid JSON (36 characters).',
      ],
      [
        [
          'trigger',
          'compliance.decision_made',
          '--url',
          TARGET,
          '--secret',
          SECRET,
          '--data',
          '{"decision":"MAYBE"}',
        ],
        'data.orderUuid (required), data.decision (invalid_value)',
      ],
      [
        ['deliveries', 'list', 'wh_1', '--size', '0'],
        "option '--size <n>' argument '0' is invalid. Expected an integer from 1 to 100.",
      ],
      [
        ['endpoints', 'create', '--url', 'https://x.example', '--events', 'kyc.*,,x'],
        'Expected a comma-separated list without empty entries.',
      ],
      // cliEnv leaves out every NOVATRADE_WEBHOOKS_* variable of the test run.
      [['endpoints', 'list'], 'error: no credentials for the management API'],
    ];
    const runs = await runAll(cases.map(([args, , options]) => [args, options] as const));
    for (const [index, [args, message]] of cases.entries()) {
      const run = runs[index] as CliRun;
      expect(run.status, `${args.join(' ')}\n${run.stderr}`).toBe(2);
      expect(run.stderr, args.join(' ')).toContain(message);
      expect(run.stderr).not.toContain('tok_live_secret_value');
      expect(run.stdout).toBe('');
    }
  });
});

describe('--version, --help and colour (child processes)', () => {
  it(
    "--version is package.json's; every command's --help has examples",
    { timeout: 120_000 },
    async () => {
      const { version } = JSON.parse(
        readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
      ) as {
        version: string;
      };
      const commands = ['serve', 'listen', 'trigger', 'sign', 'verify', 'endpoints', 'deliveries'];
      const [versionRun, rootHelp, ...helps] = await runAll([
        [['--version']],
        [['--help']],
        ...commands.map((command) => [[command, '--help']] as const),
      ]);
      expect(versionRun).toMatchObject({ status: 0, stdout: `${version}\n` });
      expect(rootHelp?.status).toBe(0);
      for (const command of commands) expect(rootHelp?.stdout).toContain(`  ${command} `);
      for (const [index, command] of commands.entries()) {
        const run = helps[index] as CliRun;
        expect(run.status, command).toBe(0);
        expect(run.stdout, command).toContain(`Usage: novatrade-webhooks ${command}`);
        expect(run.stdout, command).toContain('\nExamples:\n');
      }
    },
  );

  it(
    'colours only with FORCE_COLOR, and never with NO_COLOR, on stdout and stderr',
    { timeout: 120_000 },
    async () => {
      const signed = await runCli(['sign', '--secret', SECRET], { input: BODY });
      const header = signed.stdout.trim();
      const verify = ['verify', '--secret', SECRET, '--header', header];
      const usage = ['trigger', 'kyc.vies', '--url', TARGET, '--secret', SECRET];
      const [plain, forced, both, plainError, forcedError, bothError] = await runAll([
        [verify, { input: BODY }],
        [verify, { input: BODY, env: { FORCE_COLOR: '1' } }],
        [verify, { input: BODY, env: { FORCE_COLOR: '1', NO_COLOR: '1' } }],
        [usage],
        [usage, { env: { FORCE_COLOR: '1' } }],
        [usage, { env: { FORCE_COLOR: '1', NO_COLOR: '1' } }],
      ]);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: an ANSI escape
      const ansi = /\u001b\[\d+m/;
      expect(plain?.stdout).toMatch(/^valid signed at /);
      expect(plain?.stdout).not.toMatch(ansi);
      expect(forced?.stdout.startsWith('\u001b[32mvalid\u001b[39m signed at ')).toBe(true);
      expect(both?.stdout).toMatch(/^valid signed at /);
      expect(both?.stdout).not.toMatch(ansi);
      expect(plainError?.stderr).toMatch(/^error: unknown event type/);
      expect(forcedError?.stderr.startsWith('\u001b[31merror:\u001b[39m unknown event type')).toBe(
        true,
      );
      expect(bothError?.stderr).not.toMatch(ansi);
    },
  );
});
