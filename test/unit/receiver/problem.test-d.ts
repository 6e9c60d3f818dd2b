// Type tests (checked by `tsc -p test/tsconfig.json`): each problem code has one home, and the
// problem builder takes only a known code.
import { describe, expectTypeOf, it } from 'vitest';
import type {
  ConflictErrorCode,
  StorageErrorCode,
  ValidationErrorCode,
  VerificationErrorCode,
} from '../../../src/core/errors.js';
import type {
  ProblemCode,
  ReceiverProblem,
  ReceiverProblemCode,
} from '../../../src/receiver/index.js';
import { problemResponse } from '../../../src/receiver/problem.js';

describe('problem codes', () => {
  it('the verification, validation and receiver-only unions do not overlap', () => {
    expectTypeOf<Extract<ReceiverProblemCode, VerificationErrorCode>>().toEqualTypeOf<never>();
    expectTypeOf<Extract<ReceiverProblemCode, ValidationErrorCode>>().toEqualTypeOf<never>();
    expectTypeOf<Extract<VerificationErrorCode, ValidationErrorCode>>().toEqualTypeOf<never>();
    expectTypeOf<
      Extract<ReceiverProblemCode, StorageErrorCode | ConflictErrorCode>
    >().toEqualTypeOf<never>();
  });

  it('ProblemCode is the three unions together', () => {
    expectTypeOf<ProblemCode>().toEqualTypeOf<
      VerificationErrorCode | ValidationErrorCode | ReceiverProblemCode
    >();
    expectTypeOf<ReceiverProblem['code']>().toEqualTypeOf<ProblemCode>();
    expectTypeOf<'payload_too_large'>().toExtend<ValidationErrorCode>();
    expectTypeOf<'invalid_payload_type'>().toExtend<VerificationErrorCode>();
  });

  it('problemResponse refuses a code outside ProblemCode', () => {
    problemResponse(409, 'event_in_progress', 'retry later');
    problemResponse(401, 'signature_mismatch', 'no match');
    problemResponse(413, 'payload_too_large', 'too large');
    // @ts-expect-error: not a problem code
    problemResponse(400, 'not_a_code', 'detail');
    // @ts-expect-error: a storage code is never a problem's code
    problemResponse(503, 'storage_unavailable', 'detail');
  });
});
