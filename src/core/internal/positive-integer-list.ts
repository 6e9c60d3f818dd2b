import type { ValidationIssueCode } from '../errors.js';
import { typeIssueCode } from './type-issue-code.js';

/**
 * Checks a non-empty array of positive safe integers (a list of schema versions): `undefined` when
 * `value` is one, else the issue code of the first problem: `required` or `invalid_type` for a
 * value that is not an array, `too_small` for an empty one, and for the first bad entry
 * `invalid_type` (not an integer) or `too_small` (below 1).
 */
export function positiveIntegerListProblem(value: unknown): ValidationIssueCode | undefined {
  if (!Array.isArray(value)) return typeIssueCode(value);
  if (value.length === 0) return 'too_small';
  for (const entry of value as readonly unknown[]) {
    if (!Number.isSafeInteger(entry)) return 'invalid_type';
    if ((entry as number) < 1) return 'too_small';
  }
  return undefined;
}
