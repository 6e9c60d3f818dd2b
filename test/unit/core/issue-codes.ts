import type { ValidationIssueCode } from '../../../src/core/errors.js';

/**
 * Every {@link ValidationIssueCode}, for tests that check a code belongs to the union at run time
 * (`test/unit/core/errors.test-d.ts` keeps this list equal to the union).
 */
export const ISSUE_CODES = [
  'required',
  'invalid_type',
  'invalid_format',
  'invalid_value',
  'too_small',
  'too_big',
  'unrecognized_key',
] as const satisfies readonly ValidationIssueCode[];
