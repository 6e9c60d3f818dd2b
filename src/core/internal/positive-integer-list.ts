import type { ValidationIssueCode } from '../errors.js';
import { integerIssueCode } from './integer-option.js';
import { typeIssueCode } from './type-issue-code.js';

/**
 * Checks a non-empty array of positive safe integers (a list of schema versions): `undefined` when
 * `value` is one, else the issue code of the first problem: `required` or `invalid_type` for a
 * value that is not an array, `too_small` for an empty one, and for the first bad entry
 * `invalid_type` (not a safe integer) or `too_small` (below 1): the integer rule's codes.
 */
export function positiveIntegerListProblem(value: unknown): ValidationIssueCode | undefined {
  if (!Array.isArray(value)) return typeIssueCode(value);
  if (value.length === 0) return 'too_small';
  for (const entry of value as readonly unknown[]) {
    // An entry is never `required`: a hole or an `undefined` in a list is a wrong entry.
    const code = integerIssueCode(entry);
    if (code !== undefined) return code;
  }
  return undefined;
}
