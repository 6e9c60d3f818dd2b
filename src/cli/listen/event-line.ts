// How `listen` shows an event on one line: the time it arrived, the type, the id, the partner
// (or the EUDR integration) and a compact view of `data` (the first key=value pairs, cut to a
// width). Everything shown comes from a request body, so control characters (C0, DEL, C1, line
// separators, bidirectional overrides) are escaped before they reach a terminal: a body must not
// be able to move the cursor, recolour the screen or reorder what is shown. Pure functions.
import type { Colors } from '../internal/output.js';

/** The widest compact data view, in characters (a terminal line holds the rest). */
export const DATA_VIEW_MAX_CHARS = 100;

/**
 * Characters a terminal interprets rather than shows: C0 controls, DEL, C1 controls (U+009B is a
 * CSI on some terminals), the line and paragraph separators, and the bidirectional marks,
 * embeddings, overrides and isolates.
 */
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every character a terminal would interpret written as a `\uXXXX` escape. */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A value shown bare: printable ASCII with no space, quote, `=`, backslash or comma. */
const BARE = /^[\x21\x23-\x2b\x2d-\x3c\x3e-\x5b\x5d-\x7e]+$/;

/**
 * One value of the compact view: a bare word when it is one, else a JSON string; numbers,
 * booleans and null as JSON; an array as `[n]` (its length), an object as `{…}`.
 */
export function formatDataValue(value: unknown): string {
  if (typeof value === 'string') {
    return BARE.test(value) ? value : escapeForTerminal(JSON.stringify(value));
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.length}]`;
  if (typeof value === 'object') return '{…}';
  return typeof value;
}

/** A key of the compact view: bare when it is one, else a JSON string. */
function formatKey(key: string): string {
  return BARE.test(key) ? key : escapeForTerminal(JSON.stringify(key));
}

/**
 * `key=value` pairs of `data`'s own fields in order, separated by spaces, at most `maxChars`
 * characters: a longer view is cut and ends with `…`. Anything but a plain object shows as its
 * {@link formatDataValue}.
 */
export function compactData(data: unknown, maxChars: number = DATA_VIEW_MAX_CHARS): string {
  const full =
    typeof data === 'object' && data !== null && !Array.isArray(data)
      ? Object.entries(data)
          .map(([key, value]) => `${formatKey(key)}=${formatDataValue(value)}`)
          .join(' ')
      : formatDataValue(data);
  if (full.length <= maxChars) return full;
  let end = Math.max(0, maxChars - 1);
  // Never between the two halves of a surrogate pair (an emoji in a string value).
  const last = full.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${full.slice(0, end)}…`;
}

/** What one line shows of an event. */
export interface EventSummary {
  /** The event type (from the body). */
  readonly type: string;
  /** The event id, or `undefined` (EUDR events have none). */
  readonly id: string | undefined;
  /** Labelled fields after the id: `partner`, `integration`. */
  readonly labels: readonly (readonly [label: string, value: string])[];
  /** The event's `data`. */
  readonly data: unknown;
}

/** `HH:MM:SS` in local time. */
export function formatClock(at: Date): string {
  return [at.getHours(), at.getMinutes(), at.getSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
}

/**
 * The line of an accepted event: `10:30:00  compliance.decision_made  evt_…  partner=…  data…`.
 * Colours (time and id dimmed, type bold) come from `colors`, which are no-ops off a terminal.
 */
export function formatEventLine(
  summary: EventSummary,
  options: { readonly receivedAt: Date; readonly colors: Colors },
): string {
  const { colors } = options;
  const parts = [
    colors.dim(formatClock(options.receivedAt)),
    colors.bold(escapeForTerminal(summary.type)),
  ];
  if (summary.id !== undefined) parts.push(colors.dim(escapeForTerminal(summary.id)));
  for (const [label, value] of summary.labels) parts.push(`${label}=${escapeForTerminal(value)}`);
  const data = compactData(summary.data);
  if (data !== '') parts.push(data);
  return parts.join('  ');
}
