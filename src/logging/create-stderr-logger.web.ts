import { createLineLogger } from './internal/create-line-logger.js';
import type { Logger, StderrLoggerOptions } from './logger.js';

/**
 * The default logger on edge runtimes (`@novatrade24/webhooks/web`): hands each `warn` and
 * `error` call (or from `options.level` up) to `console.error` as one JSON line,
 * `{"level":"error","time":"…","name":"@novatrade24/webhooks","msg":"…",…fields}`. Workers,
 * Deno, Bun and Vercel Edge have no `process.stderr`; `console.error` is their error log (stderr
 * on Deno and Bun). The fields are the library's own: never a secret, a signature, a token or a
 * body (docs/design.md §5.23). Pass `logger: 'silent'` to print nothing.
 *
 * @param options - `level`: the lowest level written (default `'warn'`).
 * @returns a logger; a failing write is swallowed.
 * @throws WebhookValidationError `invalid_option` naming `options`, `level` or an unknown option.
 * @example
 * ```ts
 * import { WebhookReceiver, createStderrLogger } from '@novatrade24/webhooks/web';
 * const receiver = new WebhookReceiver({ secret, logger: createStderrLogger({ level: 'info' }) });
 * ```
 */
export function createStderrLogger(options?: StderrLoggerOptions): Logger {
  return createLineLogger(
    (line) => {
      // biome-ignore lint/suspicious/noConsole: the /web build's default log sink (docs/design.md §5.23); edge runtimes have no process.stderr
      console.error(line);
    },
    options,
    'createStderrLogger',
  );
}
