// Type tests (checked by `tsc -p test/tsconfig.json`): the error code vocabulary.
import { describe, expectTypeOf, it } from 'vitest';
import type {
  ValidationErrorCode,
  ValidationIssue,
  ValidationIssueCode,
  VerificationErrorCode,
  WebhooksErrorCode,
} from '../../../src/index.js';
import type { ISSUE_CODES } from './issue-codes.js';

describe('invalid_payload_type has one home', () => {
  it('is a verification code, and not a validation code', () => {
    expectTypeOf<'invalid_payload_type'>().toExtend<VerificationErrorCode>();
    expectTypeOf<'invalid_payload_type'>().not.toExtend<ValidationErrorCode>();
    expectTypeOf<Extract<ValidationErrorCode, VerificationErrorCode>>().toBeNever();
  });
});

describe('ValidationIssue.code', () => {
  it('is required and is the ValidationIssueCode union', () => {
    expectTypeOf<ValidationIssue['code']>().toEqualTypeOf<ValidationIssueCode>();
    expectTypeOf<ValidationIssueCode>().toEqualTypeOf<
      | 'required'
      | 'invalid_type'
      | 'invalid_format'
      | 'invalid_value'
      | 'too_small'
      | 'too_big'
      | 'unrecognized_key'
    >();
    // @ts-expect-error an issue without a code is not a ValidationIssue
    const issue: ValidationIssue = { path: 'a', message: 'b' };
    void issue;
  });

  it('the run-time list ISSUE_CODES is the union, no more and no less', () => {
    expectTypeOf<(typeof ISSUE_CODES)[number]>().toEqualTypeOf<ValidationIssueCode>();
  });
});

describe('WebhookDeliveryError is gone', () => {
  it('no code of the union is a delivery code', () => {
    expectTypeOf<'timeout'>().not.toExtend<WebhooksErrorCode>();
    expectTypeOf<'network_error'>().not.toExtend<WebhooksErrorCode>();
    expectTypeOf<'blocked_destination'>().not.toExtend<WebhooksErrorCode>();
    expectTypeOf<'invalid_response'>().not.toExtend<WebhooksErrorCode>();
  });
});
