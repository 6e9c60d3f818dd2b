import { createLineLogger } from './internal/create-line-logger.js';
import type { Logger, StderrLoggerOptions } from './logger.js';

/**
 * The default logger on Node: writes each `warn` and `error` call (or from `options.level` up) to
 * `process.stderr` as one JSON line,
 * `{"level":"error","time":"2026-04-22T10:30:00.000Z","name":"@novatrade24/webhooks","msg":"…",…fields}`.
 * The fields are the library's own: never a secret, a signature, a token or a body
 * (docs/design.md §5.23). Receivers use it unless given `logger`; pass it yourself to print
 * `info` too, or `logger: 'silent'` to print nothing.
 *
 * @param options - `level`: the lowest level written (default `'warn'`).
 * @returns a logger; a failing write is swallowed.
 * @throws WebhookValidationError `invalid_option` naming `options`, `level` or an unknown option.
 * @example
 * ```ts
 * import { WebhookReceiver, createStderrLogger } from '@novatrade24/webhooks/receiver';
 * const receiver = new WebhookReceiver({ secret, logger: createStderrLogger({ level: 'info' }) });
 * ```
 */
export function createStderrLogger(options?: StderrLoggerOptions): Logger {
  return createLineLogger(
    (line) => {
      process.stderr.write(`${line}\n`);
    },
    options,
    'createStderrLogger',
  );
}
