import type { ValidationIssueCode } from '../errors.js';

/**
 * The issue code of a field whose value has the wrong type: `required` when it is absent
 * (`undefined`), `invalid_type` otherwise. Decided from the value, never from a message.
 */
export function typeIssueCode(
  value: unknown,
): Extract<ValidationIssueCode, 'required' | 'invalid_type'> {
  return value === undefined ? 'required' : 'invalid_type';
}
