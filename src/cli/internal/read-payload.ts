// Where `sign` and `verify` get the payload: the exact bytes of a file, or of standard input for
// `-` (or no argument while input is piped). The bytes are passed on as they are, never decoded
// and re-encoded, since a signature covers bytes (CONTRIBUTING.md, "Bytes and crypto").
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CliError, usageError } from './cli-error.js';
import type { CliIo } from './cli-io.js';

/** The largest payload read, bytes (64 MiB): a webhook body is kilobytes. */
export const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

/**
 * Reads the payload named by a command's `[file]` argument: a path (relative to the working
 * directory), `-` for standard input, or nothing, which reads standard input when it is piped and
 * is a usage error on a terminal (nothing would ever arrive).
 *
 * @throws CliError `usage` (exit 2) with no file and a terminal for input; `read_failed` (exit
 *   1) when the file cannot be read; `payload_too_large` past {@link MAX_PAYLOAD_BYTES}.
 * @example
 * ```ts
 * const payload = await readPayload(file, context.io);
 * ```
 */
export async function readPayload(file: string | undefined, io: CliIo): Promise<Uint8Array> {
  if (file === undefined || file === '-') {
    if (file === undefined && io.stdin.isTTY === true) {
      throw usageError(
        'no payload: name a file, or pipe the payload into standard input (`-`).',
        'For example: echo -n \'{"id":"evt_1"}\' | novatrade-webhooks sign --secret "$SECRET"',
      );
    }
    return readStream(io.stdin, 'standard input');
  }
  const path = resolve(io.cwd, file);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new CliError('read_failed', `cannot read ${file}: ${errnoText(error)}.`, {
      cause: error,
    });
  }
  if (bytes.byteLength > MAX_PAYLOAD_BYTES) throw tooLarge(file);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Every byte of `stream` up to its end, as one array.
 *
 * @throws CliError `payload_too_large` past {@link MAX_PAYLOAD_BYTES}.
 */
export async function readStream(stream: NodeJS.ReadableStream, name: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    total += bytes.byteLength;
    if (total > MAX_PAYLOAD_BYTES) throw tooLarge(name);
    chunks.push(bytes);
  }
  const all = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return all;
}

function tooLarge(what: string): CliError {
  return new CliError(
    'payload_too_large',
    `${what} is larger than ${MAX_PAYLOAD_BYTES / (1024 * 1024)} MiB; a webhook payload is far smaller.`,
  );
}

/** A file error's reason in words (`no such file`), without the path Node puts in its message. */
export function errnoText(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return typeof code === 'string' ? code : 'unreadable';
  }
}
