// The secret `listen` remembers: where it is kept, how its file is read, and that it is created
// once (mode 0600), kept across runs, agreed on by two processes starting together, and refused
// with a clear error when the file is corrupt (never quoting it).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError, EXIT_FAILURE } from '../../../../src/cli/internal/cli-error.js';
import {
  defaultSecretFile,
  loadOrCreateSecret,
  parseSecretFileText,
  secretProblem,
} from '../../../../src/cli/listen/listen-secret.js';
import { generateWebhookSecret } from '../../../../src/signature/generate-webhook-secret.js';

const visibleAsciiOf = (minLength: number, maxLength: number): fc.Arbitrary<string> =>
  fc
    .array(
      fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
      { minLength, maxLength },
    )
    .map((chars) => chars.join(''));
const visibleAscii = visibleAsciiOf(1, 256);

describe('secretProblem and parseSecretFileText', () => {
  it('accept 1 to 256 visible ASCII characters, with or without a final line break', () => {
    fc.assert(
      fc.property(visibleAscii, fc.constantFrom('', '\n', '\r\n'), (secret, end) => {
        expect(secretProblem(secret)).toBeNull();
        expect(parseSecretFileText(`${secret}${end}`)).toBe(secret);
      }),
    );
  });

  it('refuse an empty, long, padded or multi-line secret, and never quote it', () => {
    fc.assert(
      fc.property(
        // 16 characters at least, so the secret cannot be in the message by chance.
        visibleAsciiOf(16, 100),
        fc.constantFrom(' ', '\t', '\n\n', '\u0000', 'é', '\r'),
        (secret, bad) => {
          const text = `${secret}${bad}${secret}`;
          const problem = secretProblem(text);
          expect(problem).not.toBeNull();
          expect(problem).not.toContain(secret);
          expect(parseSecretFileText(`${text}\n`)).toBeNull();
        },
      ),
    );
    expect(secretProblem('')).toBe('it is empty');
    expect(secretProblem('x'.repeat(257))).toBe('it has 257 characters, more than 256');
    expect(parseSecretFileText('')).toBeNull();
    expect(parseSecretFileText('\n')).toBeNull();
  });

  it('take every secret generateWebhookSecret makes', () => {
    for (let i = 0; i < 50; i++) expect(secretProblem(generateWebhookSecret())).toBeNull();
  });
});

describe('defaultSecretFile', () => {
  it('uses an absolute XDG_CONFIG_HOME, else ~/.config', () => {
    expect(defaultSecretFile({ XDG_CONFIG_HOME: '/x/config' }, '/home/me')).toBe(
      '/x/config/novatrade-webhooks/listen-secret',
    );
    expect(defaultSecretFile({}, '/home/me')).toBe(
      '/home/me/.config/novatrade-webhooks/listen-secret',
    );
    // The XDG rule: a relative XDG_CONFIG_HOME is ignored.
    expect(defaultSecretFile({ XDG_CONFIG_HOME: 'config' }, '/home/me')).toBe(
      '/home/me/.config/novatrade-webhooks/listen-secret',
    );
    expect(defaultSecretFile({ XDG_CONFIG_HOME: '' }, '/home/me')).toBe(
      '/home/me/.config/novatrade-webhooks/listen-secret',
    );
  });
});

describe('loadOrCreateSecret', () => {
  const directories: string[] = [];
  const freshDirectory = (): string => {
    const directory = mkdtempSync(join(tmpdir(), 'nw-listen-secret-'));
    directories.push(directory);
    return directory;
  };
  afterEach(() => {
    for (const directory of directories.splice(0))
      rmSync(directory, { recursive: true, force: true });
  });

  it('creates the file (and its directories) once with mode 0600, then reads the same secret back', async () => {
    const cwd = freshDirectory();
    let generated = 0;
    const generate = (): string => {
      generated++;
      return generateWebhookSecret();
    };
    const first = await loadOrCreateSecret('a/b/listen-secret', { cwd, generate });
    const path = join(cwd, 'a', 'b', 'listen-secret');
    expect(first.origin).toEqual({ kind: 'file', path, created: true });
    expect(readFileSync(path, 'utf8')).toBe(`${first.secret}\n`);
    if (process.platform !== 'win32') {
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(join(cwd, 'a', 'b')).mode & 0o077).toBe(0);
    }
    const second = await loadOrCreateSecret(path, { cwd: '/', generate });
    expect(second).toEqual({
      secret: first.secret,
      origin: { kind: 'file', path, created: false },
    });
    expect(generated).toBe(1);
  });

  it('lets two starts at once agree on one secret, and leaves no temporary file', async () => {
    const cwd = freshDirectory();
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        loadOrCreateSecret('listen-secret', { cwd, generate: generateWebhookSecret }),
      ),
    );
    const secrets = new Set(results.map((r) => r.secret));
    expect(secrets.size).toBe(1);
    expect(results.filter((r) => r.origin.kind === 'file' && r.origin.created)).toHaveLength(1);
    expect(readFileSync(join(cwd, 'listen-secret'), 'utf8')).toBe(`${[...secrets][0]}\n`);
    expect(readdirSync(cwd)).toEqual(['listen-secret']);
  });

  it('refuses a corrupt file with secret_file_corrupt, naming the file but not its contents', async () => {
    const cwd = freshDirectory();
    const path = join(cwd, 'listen-secret');
    const contents = 'whsec_first line\nsecond line';
    writeFileSync(path, contents);
    const error = await loadOrCreateSecret(path, { cwd, generate: generateWebhookSecret }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CliError);
    const cliError = error as CliError;
    expect(cliError.code).toBe('secret_file_corrupt');
    expect(cliError.exitCode).toBe(EXIT_FAILURE);
    expect(cliError.message).toContain(path);
    expect(`${cliError.message} ${cliError.hint}`).not.toContain('first line');
    expect(cliError.hint).toMatch(/Delete it/);
    // The corrupt file is left as it was.
    expect(readFileSync(path, 'utf8')).toBe(contents);
  });

  it('says when the file cannot be created, with the system error code', async () => {
    const cwd = freshDirectory();
    writeFileSync(join(cwd, 'not-a-directory'), 'x');
    const failure = await loadOrCreateSecret('not-a-directory/listen-secret', {
      cwd,
      generate: generateWebhookSecret,
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CliError);
    expect((failure as CliError).code).toMatch(/^secret_file_un(readable|writable)$/);
    expect((failure as CliError).message).toMatch(/\((ENOTDIR|EEXIST)\)/);
  });
});
