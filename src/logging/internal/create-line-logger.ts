// The default logger's one implementation (docs/design.md §5.23); each build gives it a sink:
// process.stderr on Node (create-stderr-logger.node.ts), console.error on edge runtimes
// (create-stderr-logger.web.ts).

import { assertKnownOptions } from '../../core/internal/assert-known-options.js';
import { describeValue } from '../../core/internal/describe-value.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import type { LogFields, Logger, LogLevel, StderrLoggerOptions } from '../logger.js';
import { summarizeError } from './summarize-error.js';

/** The levels, lowest first. */
export const LOG_LEVELS: readonly LogLevel[] = Object.freeze(['debug', 'info', 'warn', 'error']);

/** The `name` of every line, so the library's lines can be told from the application's. */
export const LOGGER_NAME = '@novatrade24/webhooks';

/** Every option `createStderrLogger` knows (docs/design.md §5.23). */
export const STDERR_LOGGER_OPTION_NAMES = [
  'level',
] as const satisfies readonly (keyof StderrLoggerOptions)[];

/** Keys of a line that fields cannot replace. */
const RESERVED = new Set(['level', 'time', 'name', 'msg']);

/**
 * One log line as JSON, without the newline: `{"level","time","name","msg",...fields}`. Fields
 * named like the four leading keys are dropped; an `Error` in the fields shows as its name, code
 * and message (`summarizeError`); a bigint as its digits. JSON escapes every line break, so it is one line whatever
 * the strings hold. Fields that cannot be serialized (a cycle) are replaced by a note.
 *
 * @param level - the line's level.
 * @param fields - the structured fields, chosen by the library.
 * @param message - the message.
 * @param time - when, as an ISO 8601 string.
 */
export function formatLogLine(
  level: LogLevel,
  fields: LogFields,
  message: string,
  time: string,
): string {
  const line: Record<string, unknown> = { level, time, name: LOGGER_NAME, msg: String(message) };
  if (typeof fields === 'object' && fields !== null) {
    for (const [key, value] of Object.entries(fields)) {
      if (!RESERVED.has(key)) line[key] = value;
    }
  }
  try {
    return JSON.stringify(line, replaceValue);
  } catch {
    return JSON.stringify({
      level,
      time,
      name: LOGGER_NAME,
      msg: line.msg,
      fields: 'unserializable',
    });
  }
}

function replaceValue(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  return value instanceof Error ? summarizeError(value) : value;
}

/**
 * A {@link Logger} that formats each call at or above `options.level` (default `warn`) as one
 * JSON line and hands it to `write`. `write` failing (a closed stream) is swallowed: logging never
 * breaks the caller.
 *
 * @param write - the sink, given one line without its newline.
 * @param options - `level`, checked like any constructor's options.
 * @param caller - the public factory's name, for error messages.
 * @throws WebhookValidationError `invalid_option` naming `options`, `level` or an unknown option.
 */
export function createLineLogger(
  write: (line: string) => void,
  options: StderrLoggerOptions | undefined,
  caller: string,
): Logger {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw invalidOption(
      'options',
      `${caller}: options must be an object or nothing; got ${describeValue(options)}.`,
      'invalid_type',
    );
  }
  assertKnownOptions(options, STDERR_LOGGER_OPTION_NAMES, caller);
  const level = options?.level ?? 'warn';
  const lowest = LOG_LEVELS.indexOf(level);
  if (lowest === -1) {
    throw invalidOption(
      'level',
      `${caller}: \`level\` must be one of ${LOG_LEVELS.join(', ')}; got ${describeValue(level)}.`,
      'invalid_value',
    );
  }
  const at =
    (index: number, name: LogLevel) =>
    (fields: LogFields, message: string): void => {
      if (index < lowest) return;
      try {
        write(formatLogLine(name, fields, message, new Date().toISOString()));
      } catch {
        // A sink that throws (a closed stream) must not turn a log call into a failure.
      }
    };
  return Object.freeze({
    debug: at(0, 'debug'),
    info: at(1, 'info'),
    warn: at(2, 'warn'),
    error: at(3, 'error'),
  });
}
