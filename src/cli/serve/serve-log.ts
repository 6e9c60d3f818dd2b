// What `serve` prints, in one of two formats (`--log-format`): `pretty`, a line a person reads
// (coloured on a terminal only, through the command's Output), or `json`, one JSON object per
// line with a stable shape a script reads: `{"time","level","msg",…fields}`. Lines about the
// service (listening, stopping, stopped) and one line per delivery attempt go to stdout; the
// sender's and the API's warnings and errors (its Logger) go to stderr, in the same format.
//
// A line never holds a secret, a signature, a token, a body or an endpoint URL's path or query
// (which may carry a token): an endpoint is shown by its id and its origin (scheme, host, port).

import { summarizeError } from '../../logging/internal/summarize-error.js';
import type { LogFields, Logger, LogLevel } from '../../logging/logger.js';
import type { DeliveryAttemptPayload } from '../../sender/sender-events.js';
import type { Colors, Output } from '../internal/output.js';
import type { LogFormat } from './serve-options.js';

/** One JSON line's leading fields; the rest are the line's own. */
export interface JsonLine {
  readonly time: string;
  readonly level: LogLevel;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** The fields of a `delivery attempt` line (json), in the order they are written. */
export interface AttemptFields {
  /** The attempt got a 2xx. */
  readonly ok: boolean;
  /** The response's status, or null when none arrived. */
  readonly httpStatus: number | null;
  /** Why the attempt failed (`HTTP_ERROR`, `TIMEOUT`, …); null on a 2xx. */
  readonly failureReason: string | null;
  readonly eventType: string;
  readonly eventId: string;
  readonly deliveryId: string;
  readonly endpointId: string;
  /** Where the attempt went: the endpoint URL's origin (scheme, host, port), never its path. */
  readonly origin: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly durationMs: number;
  /** The delivery after the attempt: DELIVERED, PENDING (a retry is due) or FAILED. */
  readonly deliveryStatus: string;
  /** When the next attempt is due, ISO 8601; null when none is. */
  readonly nextRetryAt: string | null;
  /** A test fire. */
  readonly test: boolean;
}

/** The fields of an attempt line, from the sender's `delivery.attempted` payload. */
export function attemptFields(payload: DeliveryAttemptPayload): AttemptFields {
  const { delivery, attempt, origin } = payload;
  return {
    ok: attempt.failureReason === null,
    httpStatus: attempt.httpStatus,
    failureReason: attempt.failureReason,
    eventType: delivery.eventType,
    eventId: delivery.eventId,
    deliveryId: delivery.id,
    endpointId: delivery.endpointId,
    origin,
    attempt: attempt.attempt,
    durationMs: attempt.durationMs,
    deliveryStatus: delivery.status,
    nextRetryAt: delivery.nextRetryAt,
    test: delivery.test,
  };
}

/**
 * One JSON line: `{"time","level","msg",…fields}`. Fields named like the three leading keys are
 * dropped; an `Error` shows as its name, code and message only; a bigint as its digits.
 */
export function formatJsonLine(
  level: LogLevel,
  message: string,
  fields: LogFields,
  time: Date,
): string {
  const line: Record<string, unknown> = { time: time.toISOString(), level, msg: message };
  for (const [key, value] of Object.entries(fields)) {
    if (key !== 'time' && key !== 'level' && key !== 'msg') line[key] = value;
  }
  try {
    return JSON.stringify(line, replaceValue);
  } catch {
    return JSON.stringify({ time: line.time, level, msg: message, fields: 'unserializable' });
  }
}

function replaceValue(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  return value instanceof Error ? summarizeError(value) : value;
}

/** `HH:MM:SS.mmm` in local time: the start of every pretty line. */
export function clockTime(time: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}.${pad(time.getMilliseconds(), 3)}`;
}

/**
 * The pretty line of one attempt, e.g.
 * `10:30:00.123 ✓ 204 kyc.completed evt_1 → ep_2 http://127.0.0.1:4000 delivery dlv_3 attempt 1, 12 ms`
 * or, failed with a retry due,
 * `10:30:01.456 ✗ 500 HTTP_ERROR kyc.completed evt_1 → ep_2 https://hooks.example.com delivery dlv_3 attempt 2, 230 ms, next retry 10:35:01.456`.
 */
export function formatAttemptPretty(fields: AttemptFields, time: Date, colors: Colors): string {
  const mark = fields.ok ? colors.green('✓') : colors.red('✗');
  const status = fields.httpStatus === null ? '' : `${fields.httpStatus} `;
  const reason = fields.failureReason === null ? '' : `${fields.failureReason} `;
  const outcome = fields.ok
    ? colors.green(`${status.trim()}`)
    : colors.red(`${status}${reason}`.trim());
  const test = fields.test ? ' (test)' : '';
  let tail = '';
  if (!fields.ok) {
    if (fields.deliveryStatus === 'FAILED') tail = `, ${colors.red('failed for good')}`;
    else if (fields.nextRetryAt !== null) {
      tail = `, next retry ${clockTime(new Date(fields.nextRetryAt))}`;
    }
    if (fields.failureReason === 'BLOCKED_DESTINATION') {
      tail += colors.dim(
        ' (a private or loopback address: --allow-private-networks allows it, for local development)',
      );
    }
  }
  return (
    `${colors.dim(clockTime(time))} ${mark} ${outcome} ${colors.bold(fields.eventType)}${test} ` +
    `${fields.eventId} → ${fields.endpointId} ${fields.origin} ` +
    `delivery ${fields.deliveryId} attempt ${fields.attempt}, ${fields.durationMs} ms${tail}`
  );
}

/** A pretty log line: `10:30:00.123 warn  message key=value …`. */
export function formatLogPretty(
  level: LogLevel,
  message: string,
  fields: LogFields,
  time: Date,
  colors: Colors,
): string {
  const paint = level === 'error' ? colors.red : level === 'warn' ? colors.yellow : colors.dim;
  const parts = Object.entries(fields).map(
    ([key, value]) => `${/^[\w.-]+$/.test(key) ? key : JSON.stringify(key)}=${prettyValue(value)}`,
  );
  // One line whatever the message holds: line breaks become spaces.
  const text = message.replace(/[\r\n\u2028\u2029]+/g, ' ');
  return `${colors.dim(clockTime(time))} ${paint(level.padEnd(5))} ${text}${parts.length > 0 ? ` ${colors.dim(parts.join(' '))}` : ''}`;
}

function prettyValue(value: unknown): string {
  if (typeof value === 'string') return /^[\w.:/@+-]+$/.test(value) ? value : JSON.stringify(value);
  try {
    return JSON.stringify(value, replaceValue) ?? String(value);
  } catch {
    return '(unserializable)';
  }
}

/** Where `serve` writes. */
export interface ServeLog {
  readonly format: LogFormat;
  /** A line about the service on stdout: `pretty` is the text, `json` the message and fields. */
  info(pretty: string, message: string, fields?: LogFields): void;
  /** A warning about the service on stderr. */
  warn(pretty: string, message: string, fields?: LogFields): void;
  /** One line per delivery attempt, on stdout. */
  attempt(fields: AttemptFields): void;
  /** The sender's and the API's logger: warnings and errors on stderr, in this format. */
  readonly logger: Logger;
}

/**
 * The log of one `serve` run.
 *
 * @param options - `format`; `output`, the command's (its colours are off unless on a terminal);
 *   `now`, the clock of the lines' times.
 */
export function createServeLog(options: {
  readonly format: LogFormat;
  readonly output: Output;
  readonly now?: (() => Date) | undefined;
}): ServeLog {
  const { format, output } = options;
  const now = options.now ?? (() => new Date());
  const toStderr = (level: LogLevel, message: string, fields: LogFields): void => {
    const time = now();
    output.errorLine(
      format === 'json'
        ? formatJsonLine(level, message, fields, time)
        : formatLogPretty(level, message, fields, time, output.errorColors),
    );
  };
  const quiet = (): void => undefined;
  return {
    format,
    info(pretty, message, fields = {}) {
      output.line(format === 'json' ? formatJsonLine('info', message, fields, now()) : pretty);
    },
    warn(pretty, message, fields = {}) {
      output.errorLine(
        format === 'json'
          ? formatJsonLine('warn', message, fields, now())
          : output.errorColors.yellow(pretty),
      );
    },
    attempt(fields) {
      const time = now();
      output.line(
        format === 'json'
          ? formatJsonLine(fields.ok ? 'info' : 'warn', 'delivery attempt', { ...fields }, time)
          : formatAttemptPretty(fields, time, output.colors),
      );
    },
    logger: Object.freeze({
      debug: quiet,
      info: quiet,
      warn: (fields: LogFields, message: string) => toStderr('warn', message, fields),
      error: (fields: LogFields, message: string) => toStderr('error', message, fields),
    }),
  };
}
