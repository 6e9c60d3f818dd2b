// `--data JSON` and `--data @file` (trigger, endpoints test): the event's `data` object. The value
// may hold customer data or secrets, so no message ever quotes it: a parse failure names the
// option, the source and the length only.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { usageError } from './cli-error.js';
import type { CliIo } from './cli-io.js';
import { errnoText } from './read-payload.js';

const HINT =
  'Quote the JSON for your shell (--data \'{"decision":"VALID_EXPORT"}\'), or put it in a file ' +
  'and pass --data @data.json.';

/**
 * Parses the text of `--data` as a JSON object (a UTF-8 byte-order mark is skipped).
 *
 * @param text - the JSON text.
 * @param source - how the message names it: `--data`, or `--data @data.json`.
 * @throws CliError `usage` (exit 2) when the text is not JSON or not an object; the message
 *   gives the length, never the text.
 * @example
 * ```ts
 * parseDataJson('{"decision":"VALID_EXPORT"}', '--data'); // { decision: 'VALID_EXPORT' }
 * ```
 */
export function parseDataJson(text: string, source: string): Record<string, unknown> {
  const json = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw usageError(`${source} is not valid JSON (${json.length} characters).`, HINT);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw usageError(`${source} must be a JSON object (the event's data); got ${got}.`, HINT);
  }
  return value as Record<string, unknown>;
}

/**
 * The object `--data` gives: the JSON itself, or the JSON in the file named after `@` (relative
 * to the working directory).
 *
 * @throws CliError `usage` (exit 2) for a file that cannot be read, or text that is not a JSON
 *   object.
 * @example
 * ```ts
 * const data = await readDataOption('@data.json', context.io);
 * ```
 */
export async function readDataOption(
  value: string,
  io: Pick<CliIo, 'cwd'>,
): Promise<Record<string, unknown>> {
  if (!value.startsWith('@')) return parseDataJson(value, '--data');
  const file = value.slice(1);
  if (file === '') throw usageError('--data @ needs a file name after the @.', HINT);
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    throw usageError(`--data ${value}: cannot read the file: ${errnoText(error)}.`);
  }
  return parseDataJson(text, `--data ${value}`);
}
