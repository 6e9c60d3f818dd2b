// Pattern validation shared by the single-pattern and list parsers and by SubscriptionIndex.
// Returns a reason instead of throwing so that list validation can collect every issue.

import {
  type ValidationIssue,
  type ValidationIssueCode,
  WebhookValidationError,
} from '../../errors.js';
import { describeValue } from '../../internal/describe-value.js';
import { typeIssueCode } from '../../internal/type-issue-code.js';
import type {
  ParsedSubscriptionPattern,
  SubscriptionParseResult,
} from '../parse-subscription-pattern.js';
import { describeAccepted, type PatternCatalog, quoteForMessage } from './pattern-catalog.js';

/** Why a value is not a valid pattern: a phrase that follows "it", and its issue code. */
export interface PatternRejection {
  readonly reason: string;
  readonly code: ValidationIssueCode;
}

function reject(code: ValidationIssueCode, reason: string): PatternRejection {
  return { code, reason };
}

/** The parsed pattern, or why `value` is not a valid pattern. */
export function checkPattern(
  value: unknown,
  catalog: PatternCatalog,
): ParsedSubscriptionPattern | PatternRejection {
  if (typeof value !== 'string') {
    return reject(typeIssueCode(value), `is not a string (got ${describeValue(value)})`);
  }
  // Fast path: the two accepted shapes (docs/design.md §5.5) are plain set lookups.
  const parsed = acceptedPattern(value, catalog);
  return parsed ?? rejectionReason(value, catalog);
}

function acceptedPattern(
  value: string,
  catalog: PatternCatalog,
): ParsedSubscriptionPattern | undefined {
  if (catalog.types.has(value)) return { kind: 'exact', eventType: value, source: value };
  if (value.length > 2 && value.endsWith('.*')) {
    const segment = value.slice(0, -2);
    if (catalog.segmentSet.has(segment)) return { kind: 'segment', segment, source: value };
  }
  return undefined;
}

// Only reached for rejected input, so clarity beats speed here. A pattern that is not of the form
// "<type>" or "<segment>.*" is `invalid_format`; a well-formed one the catalog does not accept is
// `invalid_value`.
function rejectionReason(value: string, catalog: PatternCatalog): PatternRejection {
  if (value === '') return reject('too_small', 'is empty');
  if (/\s/u.test(value)) {
    return reject('invalid_format', `contains whitespace${hint(value.trim(), catalog)}`);
  }
  if (value === '*') {
    // docs/design.md §5.5: the root wildcard is refused; opting in per segment is required.
    return reject(
      'invalid_value',
      `is the root wildcard, which is not supported: subscribe per segment instead, e.g. "${catalog.segments[0]}.*"`,
    );
  }
  const wildcard = value.endsWith('.*') && value.indexOf('*') === value.length - 1;
  if (value.includes('*') && !wildcard) {
    return reject(
      'invalid_format',
      'uses "*" other than as the whole last segment of "<segment>.*"',
    );
  }
  if (wildcard) {
    const segment = value.slice(0, -2);
    if (segment === '') return reject('invalid_format', 'has no segment before ".*"');
    if (segment.includes('.')) {
      const first = segment.slice(0, segment.indexOf('.'));
      return reject(
        'invalid_format',
        `puts the wildcard after more than one segment; a wildcard is "<segment>.*"${hint(`${first}.*`, catalog)}`,
      );
    }
    return reject(
      'invalid_value',
      `names an unknown segment ${quoteForMessage(segment)}${hint(value.toLowerCase(), catalog)}`,
    );
  }
  if (catalog.segmentSet.has(value)) {
    return reject('invalid_value', `is a segment, not an event type${hint(`${value}.*`, catalog)}`);
  }
  return reject(
    'invalid_value',
    `is not an event type of the catalog${hint(value.toLowerCase(), catalog)}`,
  );
}

/** True when {@link checkPattern} rejected its value. */
export function isRejection(
  checked: ParsedSubscriptionPattern | PatternRejection,
): checked is PatternRejection {
  return 'reason' in checked;
}

/** `; did you mean "<suggestion>"?` when the suggestion is a valid pattern, else nothing. */
function hint(suggestion: string, catalog: PatternCatalog): string {
  return acceptedPattern(suggestion, catalog) === undefined
    ? ''
    : `; did you mean ${JSON.stringify(suggestion)}?`;
}

/** The issue for a rejected pattern: the quoted pattern (or its type) followed by the reason. */
export function patternIssue(
  path: string,
  value: unknown,
  { code, reason }: PatternRejection,
): ValidationIssue {
  const subject = typeof value === 'string' ? quoteForMessage(value) : 'the pattern';
  return { path, code, message: `${subject} ${reason}` };
}

/** The outcome of validating a list of patterns. */
export type PatternListCheck =
  | { readonly ok: true; readonly patterns: ParsedSubscriptionPattern[] }
  | { readonly ok: false; readonly issues: ValidationIssue[]; readonly invalidEntries: number };

/**
 * Validates a whole `events` list: an array with at least one entry, every entry a valid pattern,
 * no entry repeated. Issues carry `<path>[i]` (or `<path>` for the list itself).
 */
export function checkPatternList(
  value: unknown,
  catalog: PatternCatalog,
  path: string,
): PatternListCheck {
  if (!Array.isArray(value)) {
    return {
      ok: false,
      issues: [
        {
          path,
          code: typeIssueCode(value),
          message: `expected an array of patterns, got ${describeValue(value)}`,
        },
      ],
      invalidEntries: 0,
    };
  }
  if (value.length === 0) {
    return {
      ok: false,
      issues: [
        {
          path,
          code: 'too_small',
          message: 'must list at least one pattern (an endpoint with none receives nothing)',
        },
      ],
      invalidEntries: 0,
    };
  }
  const patterns: ParsedSubscriptionPattern[] = [];
  const issues: ValidationIssue[] = [];
  const firstIndex = new Map<string, number>();
  let invalidEntries = 0;
  for (let index = 0; index < value.length; index++) {
    const entry: unknown = value[index];
    const entryPath = `${path}[${index}]`;
    const checked = checkPattern(entry, catalog);
    if (isRejection(checked)) {
      issues.push(patternIssue(entryPath, entry, checked));
      invalidEntries++;
      continue;
    }
    const earlier = firstIndex.get(checked.source);
    if (earlier !== undefined) {
      issues.push(
        patternIssue(entryPath, entry, reject('invalid_value', `repeats ${path}[${earlier}]`)),
      );
      invalidEntries++;
      continue;
    }
    firstIndex.set(checked.source, index);
    patterns.push(checked);
  }
  return issues.length === 0 ? { ok: true, patterns } : { ok: false, issues, invalidEntries };
}

/**
 * True when `eventType` lies in `segment`: it starts with `<segment>.` and something follows the
 * dot. Equivalent to `segmentOf(eventType) === segment` for a segment without a dot.
 */
export function isInSegment(eventType: string, segment: string): boolean {
  return (
    eventType.length > segment.length + 1 &&
    eventType.charCodeAt(segment.length) === 46 /* "." */ &&
    eventType.startsWith(segment)
  );
}

/** {@link checkPattern} as a parse result carrying the error that `parse*` throws. */
export function parsePatternWith(
  pattern: unknown,
  catalog: PatternCatalog,
): SubscriptionParseResult<ParsedSubscriptionPattern> {
  const checked = checkPattern(pattern, catalog);
  if (!isRejection(checked)) return { success: true, data: checked };
  const subject =
    typeof pattern === 'string'
      ? `Invalid subscription pattern ${quoteForMessage(pattern)}`
      : 'Invalid subscription pattern';
  const error = new WebhookValidationError(
    'invalid_subscription_pattern',
    `${subject}: it ${checked.reason}. ${describeAccepted(catalog)}`,
    { issues: [patternIssue('', pattern, checked)] },
  );
  return { success: false, error };
}

/** Issues quoted in the error message before it says "and N more"; `issues` has them all. */
const MAX_ISSUES_IN_MESSAGE = 3;

/** {@link checkPatternList} as a parse result carrying the error that `parse*` throws. */
export function parsePatternListWith(
  events: unknown,
  catalog: PatternCatalog,
  path: string,
): SubscriptionParseResult<ParsedSubscriptionPattern[]> {
  const checked = checkPatternList(events, catalog, path);
  if (checked.ok) return { success: true, data: checked.patterns };
  const { issues, invalidEntries } = checked;
  const quoted = issues
    .slice(0, MAX_ISSUES_IN_MESSAGE)
    .map((issue: ValidationIssue) => `${issue.path} ${issue.message}`)
    .join('; ');
  const more = issues.length - MAX_ISSUES_IN_MESSAGE;
  const count =
    invalidEntries > 0 && Array.isArray(events)
      ? `${invalidEntries} of ${events.length} ${events.length === 1 ? 'entry is' : 'entries are'} invalid: `
      : '';
  const error = new WebhookValidationError(
    'invalid_subscription_pattern',
    `Invalid subscription patterns: ${count}${quoted}${more > 0 ? ` and ${more} more` : ''}. ${describeAccepted(catalog)}`,
    { issues },
  );
  return { success: false, error };
}
