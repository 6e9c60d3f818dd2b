// `novatrade-webhooks serve`'s command line, run in this process through the program
// (`runCli`): every usage error's message and exit status 2, before anything is opened or bound,
// with no token or database password in the output; and `--help` with its examples.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../../src/cli/internal/cli-io.js';
import { runCli } from '../../../../src/cli/main.js';

const ORG = '3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03';
const TOKEN = 'team_key_abcdef_0123456789';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function serve(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ status: number; stdout: string; stderr: string; cwd: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'nw-serve-cli-'));
  dirs.push(cwd);
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: {
      write: (chunk: string) => {
        stdout += chunk;
      },
    },
    stderr: {
      write: (chunk: string) => {
        stderr += chunk;
      },
    },
    stdin: Readable.from([]),
    env,
    cwd,
    onShutdownSignal: () => () => undefined,
  };
  const status = await runCli(['serve', ...args], io);
  return { status, stdout, stderr, cwd };
}

describe('serve: usage errors (exit status 2)', () => {
  it.each([
    [
      'no credentials',
      [],
      {},
      'error: serve needs credentials for its management API: give --api-key TOKEN=ORGANIZATION_UUID, set NOVATRADE_WEBHOOKS_API_KEYS, or give --jwks-url, --issuer and --audience.\n' +
        'For local development: novatrade-webhooks serve --api-key local_dev_key_0123456789=3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03\n',
    ],
    [
      'an --api-key without "="',
      ['--api-key', 'secret_token_without_org'],
      {},
      'error: --api-key #1 is not TOKEN=ORGANIZATION_UUID (no "=" in it).\n',
    ],
    [
      'an --api-key with a short token',
      ['--api-key', `shortsecret=${ORG}`],
      {},
      'error: --api-key #1 has a token of 11 characters; a token has 16 to 1024.\n',
    ],
    [
      'TOKEN and ORGANIZATION_UUID swapped',
      ['--api-key', `${ORG}=${TOKEN}`],
      {},
      'error: --api-key #1 has no UUID after its last "=" (found 26 characters); TOKEN comes first: TOKEN=ORGANIZATION_UUID.\n',
    ],
    [
      'a bad entry in NOVATRADE_WEBHOOKS_API_KEYS',
      [],
      { NOVATRADE_WEBHOOKS_API_KEYS: `${TOKEN}=${ORG},secret_token_number_two` },
      'error: NOVATRADE_WEBHOOKS_API_KEYS entry 2 is not TOKEN=ORGANIZATION_UUID (no "=" in it).\n',
    ],
    [
      '--database-url of another database',
      ['--api-key', `${TOKEN}=${ORG}`, '--database-url', 'mysql://root:hunter2hunter2@db/x'],
      {},
      'error: --database-url must be a postgres: or postgresql: URL; got a mysql: URL.\n',
    ],
    [
      'both databases',
      [
        '--api-key',
        `${TOKEN}=${ORG}`,
        '--database-url',
        'postgres://u:hunter2hunter2@db/x',
        '--data-dir',
        'd',
      ],
      {},
      'error: --data-dir and --database-url exclude each other: serve uses PGlite in a data directory, or PostgreSQL.\n',
    ],
    [
      'JWT options in part',
      ['--jwks-url', 'https://auth.example.com/certs', '--audience', 'api'],
      {},
      'error: OIDC tokens need --jwks-url, --issuer and --audience together; missing --issuer.\n',
    ],
  ])('%s', async (_name, args, env, stderr) => {
    const run = await serve(args, env);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.startsWith(stderr)).toBe(true);
    expect(run.stderr).not.toContain('secret_token');
    expect(run.stderr).not.toContain('hunter2');
    if (!stderr.includes(TOKEN)) expect(run.stderr).not.toContain(TOKEN);
    // Nothing was opened: no data directory.
    expect(readdirSync(run.cwd)).toEqual([]);
  });

  it.each([
    [
      ['--port', '65536'],
      "error: option '--port <number>' argument is invalid. Expected a port from 0 to 65535 (0: any free port).",
    ],
    [
      ['--port', 'http'],
      "error: option '--port <number>' argument is invalid. Expected a port from 0 to 65535 (0: any free port).",
    ],
    [
      ['--profile', 'stripe'],
      "error: option '--profile <profile>' argument is invalid. Allowed choices are novatrade, eudr.",
    ],
    [
      ['--log-format', 'xml'],
      "error: option '--log-format <format>' argument is invalid. Allowed choices are pretty, json.",
    ],
    [
      ['--host', 'http://0.0.0.0'],
      "error: option '--host <host>' argument is invalid. Expected an IP address or a host name, such as 127.0.0.1, ::1, 0.0.0.0 or localhost.",
    ],
    [
      ['--shutdown-timeout', '-1'],
      "error: option '--shutdown-timeout <ms>' argument is invalid. Expected milliseconds from 0 to 2147483647.",
    ],
    [
      ['--schema', 'Bad-Name'],
      "error: option '--schema <name>' argument is invalid. Expected a schema name",
    ],
    [
      ['--jwks-url', 'http://auth.example.com/certs'],
      "error: option '--jwks-url <url>' argument is invalid. Expected an https: URL (http: only on 127.0.0.1, localhost or [::1]).",
    ],
    [['--bogus'], "error: unknown option '--bogus'"],
  ])('%j', async (args, message) => {
    const run = await serve(['--api-key', `${TOKEN}=${ORG}`, ...args]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toContain(TOKEN);
    expect(readdirSync(run.cwd)).toEqual([]);
  });

  it('refuses JWT options the authenticator refuses, as a usage error', async () => {
    const run = await serve([
      '--jwks-url',
      'https://auth.example.com/certs',
      '--issuer',
      'https://auth.example.com',
      '--audience',
      'api',
      '--organization-claim',
      'a..b',
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^error: .*organizationClaim/m);
    expect(readdirSync(run.cwd)).toEqual([]);
  });
});

describe('serve --help', () => {
  it('lists every option and ends with examples', async () => {
    const run = await serve(['--help']);
    expect(run.status).toBe(0);
    for (const option of [
      '--port',
      '--host',
      '--data-dir',
      '--database-url',
      '--schema',
      '--api-key <TOKEN=ORGANIZATION_UUID>',
      '--jwks-url',
      '--issuer',
      '--audience',
      '--organization-claim',
      '--profile',
      '--allow-private-networks',
      '--log-format',
      '--shutdown-timeout',
      '--no-rate-limit',
    ]) {
      expect(run.stdout).toContain(option);
    }
    expect(run.stdout).toContain('Examples:');
    expect(run.stdout).toContain('$ novatrade-webhooks serve --allow-private-networks');
  });
});
