// The secret `listen` verifies with when no `--secret` is given: generated once and kept in a
// file, so a sender registered with it keeps working across restarts of `listen` (Stripe's
// `stripe listen` keeps its secret the same way). The file holds the secret on one line, is
// created with mode 0600 in a directory created with 0700, and is written under a temporary name
// and then linked into place, so two `listen` processes starting together agree on one secret
// and neither ever reads a half-written file. Its contents never appear in a message.
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { CliError } from '../internal/cli-error.js';

/** The directory under the configuration home, and the file in it. */
const CONFIG_DIRECTORY = 'novatrade-webhooks';
const SECRET_FILE_NAME = 'listen-secret';

/** The longest secret a sender accepts (docs/server.md, endpoint `secret`). */
const MAX_SECRET_LENGTH = 256;
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * Why `secret` cannot be used, or `null` when it can: 1 to 256 visible ASCII characters (no
 * spaces or line breaks: those are copy-paste slips). Never quotes the secret.
 */
export function secretProblem(secret: string): string | null {
  if (secret.length === 0) return 'it is empty';
  if (secret.length > MAX_SECRET_LENGTH) {
    return `it has ${secret.length} characters, more than ${MAX_SECRET_LENGTH}`;
  }
  if (!VISIBLE_ASCII.test(secret)) {
    return 'it has characters other than visible ASCII (a space, a line break, a control or non-ASCII character)';
  }
  return null;
}

/**
 * The secret in the text of a secret file: its one line, a final line break allowed. `null` when
 * the text is not one valid secret.
 */
export function parseSecretFileText(text: string): string | null {
  const secret = text.endsWith('\r\n')
    ? text.slice(0, -2)
    : text.endsWith('\n')
      ? text.slice(0, -1)
      : text;
  return secretProblem(secret) === null ? secret : null;
}

/**
 * Where the remembered secret lives: `$XDG_CONFIG_HOME/novatrade-webhooks/listen-secret` when
 * `XDG_CONFIG_HOME` is an absolute path (the XDG rule: a relative one is ignored), else
 * `~/.config/novatrade-webhooks/listen-secret`.
 */
export function defaultSecretFile(
  env: Readonly<Record<string, string | undefined>>,
  home: string = homedir(),
): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg !== undefined && isAbsolute(xdg) ? xdg : join(home, '.config');
  return join(base, CONFIG_DIRECTORY, SECRET_FILE_NAME);
}

/** Where a secret came from, for the start-up line. */
export type SecretOrigin =
  | { readonly kind: 'option' }
  | { readonly kind: 'env' }
  | { readonly kind: 'file'; readonly path: string; readonly created: boolean };

/** A secret and where it came from. */
export interface ListenSecret {
  readonly secret: string;
  readonly origin: SecretOrigin;
}

/** Reads a secret file: `undefined` when it does not exist. */
async function readSecretFile(path: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new CliError('secret_file_unreadable', `Cannot read the secret file ${path} (${code}).`, {
      cause: error,
      hint: 'Fix its permissions, or pass --secret-file with another path, or --secret.',
    });
  }
  const secret = parseSecretFileText(text);
  if (secret === null) {
    throw new CliError(
      'secret_file_corrupt',
      `The secret file ${path} does not hold a signing secret (one line of 1 to ${MAX_SECRET_LENGTH} visible ASCII characters).`,
      {
        hint: 'Delete it to have a new secret generated (senders registered with the old one must then be updated), or pass --secret.',
      },
    );
  }
  return secret;
}

/**
 * The secret kept in `path` (relative to `cwd`), created with `generate()` when the file does
 * not exist yet.
 *
 * @throws CliError `secret_file_corrupt` when the file holds no valid secret;
 *   `secret_file_unreadable` / `secret_file_unwritable` when the file system refuses.
 */
export async function loadOrCreateSecret(
  path: string,
  options: { readonly cwd: string; readonly generate: () => string },
): Promise<ListenSecret> {
  const file = resolve(options.cwd, path);
  const existing = await readSecretFile(file);
  if (existing !== undefined) {
    return { secret: existing, origin: { kind: 'file', path: file, created: false } };
  }
  const secret = options.generate();
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  let linked = false;
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(temporary, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    // link() fails when the file exists: another process created it first, and its secret wins.
    await link(temporary, file);
    linked = true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST') {
      throw new CliError(
        'secret_file_unwritable',
        `Cannot create the secret file ${file} (${code}).`,
        {
          cause: error,
          hint: 'Pass --secret-file with a writable path, or --secret.',
        },
      );
    }
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
  if (linked) return { secret, origin: { kind: 'file', path: file, created: true } };
  const winner = await readSecretFile(file);
  if (winner === undefined) {
    throw new CliError(
      'secret_file_unreadable',
      `The secret file ${file} appeared and vanished while it was being created.`,
      { hint: 'Run the command again.' },
    );
  }
  return { secret: winner, origin: { kind: 'file', path: file, created: false } };
}
