// What `listen` prints, in its two formats. `pretty`: one line per happening, for a person at a
// terminal (colour only there). `json`: one JSON object per line, for scripts; an accepted event
// is printed as the parsed event itself (`{"id","type",…,"data"}`, as a handler receives it), and
// every other line is listen's own and has a `msg` field (`listening`, `forwarded`,
// `forward_failed`, `refused`, `duplicate`, `answered`, `stopped`), which no event has. Both
// formats are documented in docs/cli.md ("listen") and kept stable.
import type { ShutdownSignal } from '../internal/cli-io.js';
import type { Output } from '../internal/output.js';
import { SECRET_ENV } from '../internal/signing-options.js';
import { escapeForTerminal, formatClock, formatEventLine } from './event-line.js';
import type { ForwardTarget } from './forward-plan.js';
import type { SecretOrigin } from './listen-secret.js';
import type { AcceptedEvent, ListenProfile, ListenReporter } from './listen-server.js';

/**
 * A forward target's URL as printed: a user name and password in it (`http://user:pass@host/`)
 * are shown as `***`, in both formats, so the lines can be shared.
 */
export function displayUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.username === '' && parsed.password === '') return url;
  parsed.username = '***';
  parsed.password = '';
  return parsed.href;
}

/** `listen --format`. */
export const LISTEN_FORMATS = ['pretty', 'json'] as const;
/** One of {@link LISTEN_FORMATS}. */
export type ListenFormat = (typeof LISTEN_FORMATS)[number];

/** What the start-up lines say. */
export interface ListenStart {
  readonly url: string;
  readonly profile: ListenProfile;
  readonly secret: SecretOrigin;
  readonly targets: readonly ForwardTarget[];
  /** The command that prints the secret (`novatrade-webhooks listen --print-secret`). */
  readonly printSecretCommand: string;
}

/** The printer: the server's reporter, plus the start and stop lines. */
export interface ListenPrinter extends ListenReporter {
  started(start: ListenStart): void;
  stopped(signal: ShutdownSignal): void;
}

function eventIdOf(event: AcceptedEvent): string | undefined {
  return event.summary.id;
}

/** The printer for `format`, writing through `output` (`now` gives the time of each line). */
export function createListenPrinter(
  format: ListenFormat,
  output: Output,
  now: () => Date = () => new Date(),
): ListenPrinter {
  return format === 'json' ? jsonPrinter(output) : prettyPrinter(output, now);
}

function jsonPrinter(output: Output): ListenPrinter {
  const line = (value: object): void => output.line(JSON.stringify(value));
  const about = (event: AcceptedEvent): Record<string, string> => {
    const id = eventIdOf(event);
    return id === undefined
      ? { type: event.summary.type }
      : { eventId: id, type: event.summary.type };
  };
  return {
    started(start) {
      line({
        msg: 'listening',
        url: start.url,
        profile: start.profile,
        secret:
          start.secret.kind === 'file'
            ? { source: 'file', path: start.secret.path, created: start.secret.created }
            : { source: start.secret.kind },
        forwardTo: start.targets.map((t) => ({
          url: displayUrl(t.url),
          events: t.patterns === undefined ? null : t.patterns.map((p) => p.source),
        })),
      });
    },
    accepted(event) {
      line(event.event);
    },
    forwarded(result, event) {
      line(
        'status' in result
          ? {
              msg: 'forwarded',
              ...about(event),
              url: displayUrl(result.url),
              status: result.status,
              durationMs: result.durationMs,
            }
          : {
              msg: 'forward_failed',
              ...about(event),
              url: displayUrl(result.url),
              error: result.error,
              durationMs: result.durationMs,
            },
      );
    },
    forwardFailed(event, failed, of) {
      line({ msg: 'answered', ...about(event), status: 502, code: 'forward_failed', failed, of });
    },
    refused(request) {
      line({ msg: 'refused', ...request });
    },
    duplicate(eventId) {
      line(eventId === undefined ? { msg: 'duplicate' } : { msg: 'duplicate', eventId });
    },
    stopped(signal) {
      line({ msg: 'stopped', signal });
    },
  };
}

function prettyPrinter(output: Output, now: () => Date): ListenPrinter {
  const { colors } = output;
  const clock = (): string => colors.dim(formatClock(now()));
  return {
    started(start) {
      output.line(
        `${colors.green('Ready.')} Listening on ${colors.bold(start.url)} (${start.profile} profile)`,
      );
      if (start.secret.kind === 'option') {
        output.line('Verifying with the secret given by --secret.');
      } else if (start.secret.kind === 'env') {
        output.line(`Verifying with the secret in $${SECRET_ENV}.`);
      } else {
        const created = start.secret.created ? ', created now' : '';
        output.line(
          `Verifying with the secret kept in ${start.secret.path}${created}; show it with: ${start.printSecretCommand}`,
        );
      }
      for (const target of start.targets) {
        const events =
          target.patterns === undefined
            ? 'every event'
            : target.patterns.map((p) => p.source).join(', ');
        output.line(`Forwarding to ${displayUrl(target.url)} (${events})`);
      }
      output.line(colors.dim('Press Ctrl-C to stop.'));
    },
    accepted(event) {
      output.line(formatEventLine(event.summary, { receivedAt: event.receivedAt, colors }));
    },
    forwarded(result) {
      if ('status' in result) {
        const ok = result.status >= 200 && result.status <= 299;
        const status = ok ? colors.green(String(result.status)) : colors.red(String(result.status));
        output.line(
          `${clock()}    → ${displayUrl(result.url)}  ${status}  ${result.durationMs} ms`,
        );
      } else {
        output.line(
          `${clock()}    → ${displayUrl(result.url)}  ${colors.red('failed')}: ${escapeForTerminal(result.error)}`,
        );
      }
    },
    forwardFailed(event, failed, of) {
      const what = eventIdOf(event) ?? event.summary.type;
      output.line(
        `${clock()}    ${colors.yellow(`answered 502 forward_failed`)} for ${escapeForTerminal(what)}: ${failed} of ${of} targets failed; the sender will retry`,
      );
    },
    refused(request) {
      output.line(
        `${clock()}  ${colors.red('refused')} ${escapeForTerminal(request.method)} ${escapeForTerminal(request.path)}: ${request.status} ${request.code}`,
      );
    },
    duplicate(eventId) {
      const what = eventId === undefined ? 'an event' : eventId;
      output.line(
        `${clock()}  ${colors.dim(`duplicate: ${what} was already received (answered 200, not forwarded)`)}`,
      );
    },
    stopped(signal) {
      output.line(colors.dim(`Stopped (${signal}).`));
    },
  };
}
