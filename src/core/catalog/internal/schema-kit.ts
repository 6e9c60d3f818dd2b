// Building blocks shared by the Novatrade24 and EUDR schemas and parsers. Internal: never
// re-exported from an entry point.

import { z } from 'zod';
import {
  type ValidationIssue,
  type ValidationIssueCode,
  WebhookValidationError,
} from '../../errors.js';
import { describeValue } from '../../internal/describe-value.js';
import type { OpenEnum } from '../enum-values.js';

/**
 * A schema for an enum field. Lenient (`strict: false`): any string, because clients "must
 * tolerate unknown enum values" (docs/design.md §6.1). Strict: only the known values. Both are typed
 * as {@link OpenEnum} so that the lenient and the strict catalog share one static type.
 */
export function enumSchema<const T extends readonly [string, ...string[]]>(
  values: T,
  strict: boolean,
): z.ZodType<OpenEnum<T[number]>> {
  return strict ? z.enum(values) : z.string();
}

/**
 * An ISO 8601 date-time with seconds and a zone (`Z` or `±hh:mm`), any fraction of a second:
 * `2026-04-22T10:30:00Z`, `2024-01-15T10:30:00.000Z`. Kept as the string it arrived as.
 */
export function dateTimeSchema(): z.ZodISODateTime {
  return z.iso.datetime({ offset: true });
}

/** An identifier: any string. The docs' own examples are not valid UUIDs (docs/design.md §7, A-26). */
export function idSchema(): z.ZodString {
  return z.string();
}

/** A count: a non-negative safe integer. */
export function countSchema(): z.ZodNumber {
  return z.int().min(0);
}

/** An HTTP status code, or `null` when no response arrived (timeout, network error). */
export function httpStatusSchema(): z.ZodNullable<z.ZodNumber> {
  return z.int().min(100).max(599).nullable();
}

/** Dotted path of a field (`data.blockers.0.code`); empty for the whole input. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment)).join('.');
}

/**
 * The {@link ValidationIssueCode} of a zod issue (zod 4's codes, and zod 3's names for the same
 * failures). `input` is the value that was parsed: where the value at the issue's path is absent,
 * a wrong type, a missing discriminator (zod 4's `invalid_union` at the discriminator's path), a
 * missing enum or literal value are all `required`, decided from the input itself, never from the
 * message.
 */
export function issueCode(
  issue: { readonly code: string; readonly path: readonly PropertyKey[] },
  input: unknown,
): ValidationIssueCode {
  switch (issue.code) {
    case 'too_small':
      return 'too_small';
    case 'too_big':
      return 'too_big';
    case 'invalid_format':
    case 'invalid_string':
      return 'invalid_format';
    case 'unrecognized_keys':
      return 'unrecognized_key';
    default:
      // invalid_type, and invalid_value, invalid_enum_value, invalid_literal, invalid_union and
      // the ones without a narrower meaning (custom, a refinement; invalid_key; invalid_element;
      // not_multiple_of): nothing there is `required`.
      if (valueAt(input, issue.path) === undefined) return 'required';
      return issue.code === 'invalid_type' ? 'invalid_type' : 'invalid_value';
  }
}

// Reads the value at `path` the way zod does (a plain property read), `undefined` past a leaf.
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const segment of path) {
    if ((typeof current !== 'object' && typeof current !== 'function') || current === null) {
      return undefined;
    }
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/**
 * A key zod reports as unrecognized is named in the issue's path only when it reads as a field
 * name: a short identifier (`extra`, `orderId`). Anything else (spaces, quotes, control
 * characters, a long string) is text from the request body, which no message or path repeats
 * (docs/design.md §5.20): its issue stays at the parent object's path, one issue per key still.
 */
const NAMEABLE_KEY = /^[A-Za-z_$][\w$]{0,63}$/;

/** The fixed message of an unrecognized key; the path names the key, the message never does. */
export const UNRECOGNIZED_KEY_MESSAGE = 'unrecognized key: the schema does not allow it';

/** The message when the key is not named in the path either (see {@link NAMEABLE_KEY}). */
export const UNNAMED_UNRECOGNIZED_KEY_MESSAGE =
  'unrecognized key (not shown: its name is not a plain identifier): the schema does not allow it';

/**
 * Field issues of a zod error over `input` (the value that was parsed), each path prefixed with
 * `prefix` and each with its {@link issueCode}. Values are never copied. zod's one
 * `unrecognized_keys` issue, whose message quotes every key, becomes one `unrecognized_key` issue
 * per key, at `[...path, key]` for a key that reads as a field name, else at `path`, with a fixed
 * message.
 */
export function toIssues(
  error: z.ZodError,
  input: unknown,
  prefix: readonly PropertyKey[] = [],
): ValidationIssue[] {
  return error.issues.flatMap((issue): ValidationIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) =>
        NAMEABLE_KEY.test(key)
          ? {
              path: formatPath([...prefix, ...issue.path, key]),
              code: 'unrecognized_key',
              message: UNRECOGNIZED_KEY_MESSAGE,
            }
          : {
              path: formatPath([...prefix, ...issue.path]),
              code: 'unrecognized_key',
              message: UNNAMED_UNRECOGNIZED_KEY_MESSAGE,
            },
      );
    }
    return [
      {
        path: formatPath([...prefix, ...issue.path]),
        code: issueCode(issue, input),
        message: issue.message,
      },
    ];
  });
}

/** True for a non-null, non-array object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const MAX_LISTED_ISSUES = 3;

/** `"a: msg; b: msg (+2 more)"` for an error message. Paths and zod messages never hold values. */
export function summarizeIssues(issues: readonly ValidationIssue[]): string {
  const listed = issues
    .slice(0, MAX_LISTED_ISSUES)
    .map((issue) => (issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`))
    .join('; ');
  const rest = issues.length - MAX_LISTED_ISSUES;
  return rest > 0 ? `${listed} (+${rest} more)` : listed;
}

const MAX_QUOTED_LENGTH = 100;

/**
 * A short, quoted rendition of an event type for a message: a catalog's own type, or one the
 * developer passed (`createSampleEvent`, `parseEventData`, `createEventCatalog`), length-capped and
 * JSON-escaped. Never a type read from a body: parsers describe that by its length only
 * (docs/security.md).
 */
export function quoteType(type: string): string {
  const short =
    type.length > MAX_QUOTED_LENGTH ? `${type.slice(0, MAX_QUOTED_LENGTH)}…(${type.length})` : type;
  return JSON.stringify(short);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The JSON value of a raw body. Throws `invalid_json` for a non-string, non-byte input (a parsed
 * object; one issue, `invalid_type`: `invalid_payload_type` is a verification code only), for bytes
 * that are not UTF-8 and for text that is not JSON. The message gives only the input's type and
 * length, never its content (the parser's own message quotes the body, so it is not forwarded).
 */
export function decodeJson(raw: unknown, fnName: string): unknown {
  let text: string;
  if (typeof raw === 'string') {
    text = raw;
  } else if (raw instanceof Uint8Array) {
    try {
      // decode() honours byteOffset/byteLength of a view (e.g. a pooled Node Buffer).
      text = utf8.decode(raw);
    } catch {
      throw new WebhookValidationError(
        'invalid_json',
        `${fnName}: expected UTF-8 JSON; got ${raw.byteLength} bytes that are not valid UTF-8.`,
      );
    }
  } else {
    const message =
      `${fnName}: expected the raw body as a string or Uint8Array; got ${describeValue(raw)}. ` +
      'Pass the raw request body; for an already parsed object use the non-JSON parser.';
    throw new WebhookValidationError('invalid_json', message, {
      issues: [{ path: '', code: 'invalid_type', message }],
    });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new WebhookValidationError(
      'invalid_json',
      `${fnName}: expected a JSON document; got ${text.length} characters that are not valid JSON.`,
    );
  }
}

/**
 * The `strict` option of a parser: false when absent.
 *
 * @throws WebhookValidationError `invalid_option` when it is not a boolean.
 */
export function readStrictOption(
  options: { readonly strict?: unknown } | undefined,
  fnName: string,
): boolean {
  const strict = options?.strict;
  if (strict === undefined) return false;
  if (typeof strict !== 'boolean') {
    throw new WebhookValidationError(
      'invalid_option',
      `${fnName}: options.strict must be a boolean; got ${describeValue(strict)}.`,
      { issues: [{ path: 'strict', code: 'invalid_type', message: 'expected boolean' }] },
    );
  }
  return strict;
}

/** `"1"` or `"1..3"`: the versions of a catalog entry, for messages. */
export function versionRange(entry: {
  readonly oldestVersion: number;
  readonly latestVersion: number;
}): string {
  return entry.oldestVersion === entry.latestVersion
    ? String(entry.latestVersion)
    : `${entry.oldestVersion}..${entry.latestVersion}`;
}
