import { describeValue } from '../../core/internal/describe-value.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import type { LogFields, Logger } from '../logger.js';

/** The logger of `logger: 'silent'`: drops everything. */
export const SILENT_LOGGER: Logger = Object.freeze({
  debug() {},
  info() {},
  warn() {},
  error() {},
});

const METHODS = ['debug', 'info', 'warn', 'error'] as const;

/**
 * Reads a `logger` option (docs/design.md §5.23): absent gives `fallback()` (the build's stderr
 * logger), `'silent'` gives {@link SILENT_LOGGER}, and a logger is wrapped so that its own throws
 * are swallowed (each method is still called on the logger itself, so pino's `this` holds).
 *
 * @param value - the option as passed.
 * @param fallback - makes the default logger; called only when `value` is absent.
 * @returns a logger that never throws.
 * @throws WebhookValidationError `invalid_option` naming `logger` when `value` is neither
 *   `'silent'` nor an object with `debug`, `info`, `warn` and `error` methods.
 * @example
 * ```ts
 * this.#logger = resolveLogger(options.logger, () => createStderrLogger());
 * ```
 */
export function resolveLogger(value: unknown, fallback: () => Logger): Logger {
  if (value === undefined) return fallback();
  if (value === 'silent') return SILENT_LOGGER;
  if (
    typeof value !== 'object' ||
    value === null ||
    !METHODS.every((method) => typeof (value as Record<string, unknown>)[method] === 'function')
  ) {
    throw invalidOption(
      'logger',
      `\`logger\` must be 'silent' or a Logger (debug, info, warn and error methods), got ${describeValue(value)}.`,
      'invalid_type',
    );
  }
  const logger = value as Logger;
  const guarded =
    (method: (typeof METHODS)[number]) =>
    (fields: LogFields, message: string): void => {
      try {
        logger[method](fields, message);
      } catch {
        // A failing logger must not change an answer or stop a delivery.
      }
    };
  return Object.freeze({
    debug: guarded('debug'),
    info: guarded('info'),
    warn: guarded('warn'),
    error: guarded('error'),
  });
}
