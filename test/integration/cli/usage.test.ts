// The command line as a user meets it, in real child processes: each kind of usage error (an
// unknown command or option, a missing option or argument, a bad value, no secret or credentials)
// prints its message on stderr and exits 2; `--version` prints package.json's version; each
// command's `--help` ends with examples; colour only when asked for (FORCE_COLOR), never with
// NO_COLOR, none when piped. The in-process tests (test/unit/cli/) cover every message of each
// command; these check that the real process exits and prints the same way.
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
// biome-ignore lint/suspicious/noControlCharactersInRegex: an ANSI escape
const ANSI = /\u001b\[\d+m/;

describe('usage errors (child processes)', () => {
  it(
    'each kind prints its message on stderr, nothing on stdout, and exits 2',
    { timeout: 180_000 },
    async () => {
      const cases: [readonly string[], string, RunCliOptions?][] = [
        [['frobnicate'], "error: unknown command 'frobnicate'"],
        [['sign', '--bogus'], "error: unknown option '--bogus'"],
        [['deliveries', 'get', 'wh_1'], "error: missing required argument 'delivery-id'"],
        [
          ['trigger', 'kyc.vies_check_failed', '--secret', SECRET],
          "error: required option '--url <url>' not specified",
        ],
        [
          ['sign', '--secret', SECRET, '--timestamp', '1729684200000'],
          "error: option '--timestamp <unix-seconds>' argument is invalid. " +
            'Expected Unix seconds; this looks like milliseconds (divide by 1000).',
          { input: BODY },
        ],
        [
          ['trigger', 'kyc.vies', '--url', TARGET, '--secret', SECRET],
          'error: unknown event type "kyc.vies" for --profile novatrade; did you mean kyc.vies_check_failed?',
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
          ['sign'],
          'error: missing the secret: pass --secret <secret>, or set NOVATRADE_WEBHOOKS_SECRET.',
          { input: BODY },
        ],
        // cliEnv leaves out every NOVATRADE_WEBHOOKS_* variable of the test run.
        [['endpoints', 'list'], 'error: no credentials for the management API'],
      ];
      const runs = await runAll(cases.map(([args, , options]) => [args, options] as const));
      for (const [index, [args, message]] of cases.entries()) {
        const run = runs[index] as CliRun;
        expect(run.status, `${args.join(' ')}\n${run.stderr}`).toBe(2);
        expect(run.stderr, args.join(' ')).toContain(message);
        expect(run.stderr).not.toMatch(ANSI);
        expect(run.stderr).not.toContain('tok_live_secret_value');
        expect(run.stdout).toBe('');
      }
    },
  );
});

describe('--version, --help and colour (child processes)', () => {
  it(
    "--version is package.json's; every command's --help has examples",
    { timeout: 180_000 },
    async () => {
      const { version } = JSON.parse(
        readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
      ) as { version: string };
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
    'colours stdout and stderr only with FORCE_COLOR, and never with NO_COLOR',
    { timeout: 180_000 },
    async () => {
      // A refused signature writes to both: the verdict on stdout, the reason on stderr.
      const verify = [
        'verify',
        '--secret',
        SECRET,
        '--header',
        `t=1,v1=${'0'.repeat(64)}`,
        '--now',
        '1',
      ];
      const [plain, forced, both] = await runAll([
        [verify, { input: BODY }],
        [verify, { input: BODY, env: { FORCE_COLOR: '1' } }],
        [verify, { input: BODY, env: { FORCE_COLOR: '1', NO_COLOR: '1' } }],
      ]);
      for (const run of [plain, forced, both]) expect(run?.status).toBe(1);
      expect(plain?.stdout).toBe('invalid: signature_mismatch\n');
      expect(plain?.stderr).toMatch(/^error: /);
      expect(plain?.stderr).not.toMatch(ANSI);
      expect(forced?.stdout).toBe('\u001b[31minvalid:\u001b[39m signature_mismatch\n');
      expect(forced?.stderr.startsWith('\u001b[31merror:\u001b[39m ')).toBe(true);
      expect(both?.stdout).toBe('invalid: signature_mismatch\n');
      expect(both?.stderr).not.toMatch(ANSI);
    },
  );
});
