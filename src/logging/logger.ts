/**
 * The logging port shared by the sender and the receiver, and its vocabulary. Type-only: any
 * logger with these four methods fits (pino, winston, `console`), and `createStderrLogger` is the
 * default (docs/design.md §5.23).
 */

/** Severity of a log line, lowest first: `debug`, `info`, `warn`, `error`. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * The structured fields of one log line. The library chooses them: ids (a verified event's id is
 * the one body field allowed), codes, stages, statuses, counts, durations, the names of the calls
 * that failed, event types from the catalog, and an error's name, code and message. Never a
 * secret, a signature, a reservation token, a request or response body, or any other value taken
 * from a body (docs/design.md §5.23).
 */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * Where the sender and the receiver report what they do, pino-style: fields first, then the
 * message. Warnings and errors (a handler that threw, a store that failed, a blocked destination,
 * an auto-pause) go to stderr by default, one JSON line each; pass `logger: 'silent'` to turn
 * that off, or your own logger to route them (docs/design.md §5.23). A logger's own throw is
 * swallowed: logging never changes an answer or stops a delivery.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * const receiver = new WebhookReceiver({ secret, logger: pino() }); // pino's (fields, message) order
 * const quiet = new WebhookReceiver({ secret, logger: 'silent' });
 * const plain: Logger = {
 *   debug: () => {},
 *   info: () => {},
 *   warn: (fields, message) => console.warn(message, fields),
 *   error: (fields, message) => console.error(message, fields),
 * };
 * ```
 */
export interface Logger {
  /** Detail for debugging; the default logger does not print it. */
  debug(fields: LogFields, message: string): void;
  /** Routine events (a rejected request, a claim); the default logger does not print it. */
  info(fields: LogFields, message: string): void;
  /** Something went wrong and was handled, or may need attention. */
  warn(fields: LogFields, message: string): void;
  /** Something failed: a handler threw, a store is down, an event could not be processed. */
  error(fields: LogFields, message: string): void;
}

/** Options of `createStderrLogger`. */
export interface StderrLoggerOptions {
  /**
   * The lowest level written; lower ones are dropped.
   * @default 'warn'
   */
  readonly level?: LogLevel | undefined;
}
