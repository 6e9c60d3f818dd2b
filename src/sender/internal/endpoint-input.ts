// Validation of endpoint create and update input. Every problem is collected, then one
// `invalid_endpoint` error lists them all as issues (the management API turns them into the
// `errors` of a 422 validation problem, docs/design.md §6.14). Values are never echoed: a secret may
// be among them.

import {
  type ValidationIssue,
  type ValidationIssueCode,
  WebhookValidationError,
} from '../../core/errors.js';
import { constantTimeEqual, utf8Encode } from '../../core/internal/bytes.js';
import { describeValue } from '../../core/internal/describe-value.js';
import { positiveIntegerListProblem } from '../../core/internal/positive-integer-list.js';
import { typeIssueCode } from '../../core/internal/type-issue-code.js';
import type { SecretFormat } from '../../core/profiles/secret-format.js';
import { safeParseSubscriptionPattern } from '../../core/subscription/parse-subscription-pattern.js';
import type { EndpointSecret, EndpointStatus } from '../records.js';

/** Input of `WebhookSender.createEndpoint` (docs/design.md §6.4). */
export interface CreateEndpointInput {
  /** Where deliveries go: `https:` (or `http:` with `allowInsecureUrls`). */
  readonly url: string;
  /** Event types and `<segment>.*` patterns (docs/design.md §5.5). */
  readonly events: readonly string[];
  /** Only events about these partners; `null` or absent: all partners. */
  readonly partnerIds?: readonly string[] | null | undefined;
  /**
   * Your own signing secret (16 to 256 visible ASCII characters, in the profile's format if it
   * has one: `whsec_` + padded base64 of 24 to 64 bytes for `STANDARD_WEBHOOKS_PROFILE`);
   * generated when absent.
   */
  readonly secret?: string | undefined;
  /** A note for humans. */
  readonly description?: string | null | undefined;
  /**
   * Schema versions the endpoint accepts (docs/design.md §5.7).
   * @default [1]
   */
  readonly acceptedSchemaVersions?: readonly number[] | undefined;
}

/** Input of `WebhookSender.updateEndpoint`: a JSON merge patch (docs/design.md §6.4, [INF]). */
export interface UpdateEndpointInput {
  readonly url?: string | undefined;
  readonly events?: readonly string[] | undefined;
  /** `null` clears the filter. */
  readonly partnerIds?: readonly string[] | null | undefined;
  readonly description?: string | null | undefined;
  readonly acceptedSchemaVersions?: readonly number[] | undefined;
  /** `ACTIVE` resumes a PAUSED or DISABLED endpoint (docs/design.md §5.3). */
  readonly status?: EndpointStatus | undefined;
}

/** What the checks need to know about the sender. */
export interface EndpointRules {
  readonly eventTypes: readonly string[];
  readonly allowInsecureUrls: boolean;
  /** The profile's own secret rule, on top of the generic one (docs/design.md §5.22). */
  readonly secretFormat?: SecretFormat | undefined;
}

const MAX_URL_LENGTH = 2048;
const MAX_PATTERNS = 100;
const MAX_PARTNERS = 1000;
const MAX_DESCRIPTION = 500;
const SECRET_PATTERN = /^[\x21-\x7e]{16,256}$/;
const CREATE_KEYS = new Set([
  'url',
  'events',
  'partnerIds',
  'secret',
  'description',
  'acceptedSchemaVersions',
]);
const UPDATE_KEYS = new Set([
  'url',
  'events',
  'partnerIds',
  'description',
  'acceptedSchemaVersions',
  'status',
]);
const STATUSES: readonly string[] = ['ACTIVE', 'PAUSED', 'DISABLED'];

function checkUrl(value: unknown, rules: EndpointRules, issues: ValidationIssue[]): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_URL_LENGTH) {
    issues.push({
      path: 'url',
      code: lengthCode(value, 'string', 1, MAX_URL_LENGTH),
      message: `expected an absolute URL of at most ${MAX_URL_LENGTH} characters, got ${describeValue(value)}`,
    });
    return;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    issues.push({ path: 'url', code: 'invalid_format', message: 'not an absolute URL' });
    return;
  }
  if (url.protocol !== 'https:' && !(rules.allowInsecureUrls && url.protocol === 'http:')) {
    issues.push({
      path: 'url',
      code: 'invalid_value',
      message: rules.allowInsecureUrls
        ? 'expected an http: or https: URL'
        : // Local development needs both switches: the URL check here, and the transport's
          // refusal of loopback and private addresses at connect time (docs/design.md §5.14).
          'expected an https: URL (for local development over http:, pass ' +
          '`allowInsecureUrls: true` to WebhookSender and `allowPrivateNetworks: true` to ' +
          'HttpTransport, which refuses loopback and private addresses otherwise)',
    });
  }
  if (url.username !== '' || url.password !== '') {
    issues.push({
      path: 'url',
      code: 'invalid_value',
      message: 'credentials in the URL are not allowed',
    });
  }
  if (url.hash !== '') {
    issues.push({ path: 'url', code: 'invalid_value', message: 'a fragment (#…) is not allowed' });
  }
}

function checkEvents(value: unknown, rules: EndpointRules, issues: ValidationIssue[]): void {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_PATTERNS) {
    issues.push({
      path: 'events',
      code: lengthCode(value, 'array', 1, MAX_PATTERNS),
      message: `expected 1 to ${MAX_PATTERNS} event types or <segment>.* patterns, got ${describeValue(value)}`,
    });
    return;
  }
  const seen = new Set<unknown>();
  value.forEach((pattern: unknown, i) => {
    const result = safeParseSubscriptionPattern(pattern as string, {
      eventTypes: rules.eventTypes,
    });
    if (!result.success) {
      // The pattern parser's own issue code: invalid_type, invalid_format or invalid_value.
      const code = result.error.issues[0]?.code ?? 'invalid_value';
      issues.push({ path: `events.${i}`, code, message: result.error.message });
    } else if (seen.has(pattern)) {
      issues.push({ path: `events.${i}`, code: 'invalid_value', message: 'repeated pattern' });
    }
    seen.add(pattern);
  });
}

function checkPartnerIds(value: unknown, issues: ValidationIssue[]): void {
  if (value === null || value === undefined) return;
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_PARTNERS) {
    issues.push({
      path: 'partnerIds',
      code: lengthCode(value, 'array', 1, MAX_PARTNERS),
      message: `expected null or 1 to ${MAX_PARTNERS} partner ids, got ${describeValue(value)}`,
    });
    return;
  }
  value.forEach((id: unknown, i) => {
    if (typeof id !== 'string' || id.length === 0 || id.length > 64) {
      issues.push({
        path: `partnerIds.${i}`,
        code: lengthCode(id, 'string', 1, 64),
        message: 'expected a partner id (1 to 64 characters)',
      });
    }
  });
}

function checkVersions(value: unknown, issues: ValidationIssue[]): void {
  if (value === undefined) return;
  const code = positiveIntegerListProblem(value);
  if (code !== undefined) {
    issues.push({
      path: 'acceptedSchemaVersions',
      code,
      message: `expected a non-empty array of positive integers, got ${describeValue(value)}`,
    });
  }
}

function checkDescription(value: unknown, issues: ValidationIssue[]): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || value.length > MAX_DESCRIPTION) {
    issues.push({
      path: 'description',
      code: typeof value === 'string' ? 'too_big' : 'invalid_type',
      message: `expected null or at most ${MAX_DESCRIPTION} characters, got ${describeValue(value)}`,
    });
  }
}

function checkKeys(input: object, allowed: ReadonlySet<string>, issues: ValidationIssue[]): void {
  for (const key of Object.keys(input)) {
    if (!allowed.has(key)) {
      issues.push({
        path: key.slice(0, 64),
        code: 'unrecognized_key',
        message:
          key === 'secret'
            ? 'the secret cannot be changed by an update; delete and re-create the endpoint'
            : 'unknown field',
      });
    }
  }
}

function checkSecret(
  value: unknown,
  issues: ValidationIssue[],
  format: SecretFormat | undefined,
): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !SECRET_PATTERN.test(value)) {
    // Never describe the value: it is a secret (its type and length decide only the code).
    issues.push({
      path: 'secret',
      code: typeof value !== 'string' ? 'invalid_type' : secretLengthOrFormat(value),
      message: 'expected 16 to 256 visible ASCII characters (or omit it to have one generated)',
    });
    return;
  }
  const problem = format?.check(value) ?? null;
  if (problem !== null) issues.push({ path: 'secret', code: 'invalid_format', message: problem });
}

function notAnObject(input: unknown): ValidationIssue {
  return {
    path: '',
    code: typeIssueCode(input),
    message: `expected an object, got ${describeValue(input)}`,
  };
}

/**
 * The code of a string or an array (`kind`) whose length is outside `min`..`max`: `too_small` or
 * `too_big`; `invalid_type` (or `required`) for a value of another type.
 */
function lengthCode(
  value: unknown,
  kind: 'string' | 'array',
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): ValidationIssueCode {
  if (kind === 'string' ? typeof value !== 'string' : !Array.isArray(value)) {
    return typeIssueCode(value);
  }
  const { length } = value as string | readonly unknown[];
  if (length < min) return 'too_small';
  return length > max ? 'too_big' : 'invalid_value';
}

function secretLengthOrFormat(secret: string): ValidationIssueCode {
  if (secret.length < 16) return 'too_small';
  return secret.length > 256 ? 'too_big' : 'invalid_format';
}

function fail(fnName: string, issues: readonly ValidationIssue[]): never {
  const listed = issues
    .slice(0, 3)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
  const more = issues.length > 3 ? ` (+${issues.length - 3} more)` : '';
  throw new WebhookValidationError('invalid_endpoint', `${fnName}: ${listed}${more}.`, { issues });
}

/**
 * Checks a create input.
 *
 * @throws WebhookValidationError `invalid_endpoint` with one issue per problem.
 */
export function assertCreateEndpointInput(
  input: unknown,
  rules: EndpointRules,
): asserts input is CreateEndpointInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    fail('createEndpoint', [notAnObject(input)]);
  }
  const issues: ValidationIssue[] = [];
  const record = input as Record<string, unknown>;
  checkKeys(record, CREATE_KEYS, issues);
  checkUrl(record.url, rules, issues);
  checkEvents(record.events, rules, issues);
  checkPartnerIds(record.partnerIds, issues);
  checkVersions(record.acceptedSchemaVersions, issues);
  checkDescription(record.description, issues);
  checkSecret(record.secret, issues, rules.secretFormat);
  if (issues.length > 0) fail('createEndpoint', issues);
}

/**
 * Checks a caller secret outside a create input (the same rule as `createEndpoint`'s `secret`).
 *
 * @param fnName - the operation the message names, e.g. `rotateSecret`.
 * @param format - the profile's own secret rule, if it has one.
 * @throws WebhookValidationError `invalid_endpoint` with one issue on `secret` (never its value).
 */
export function assertSecretInput(
  secret: unknown,
  fnName: string,
  format?: SecretFormat,
): asserts secret is string | undefined {
  const issues: ValidationIssue[] = [];
  checkSecret(secret, issues, format);
  if (issues.length > 0) fail(fnName, issues);
}

/**
 * Checks an update (merge patch) input.
 *
 * @throws WebhookValidationError `invalid_endpoint` with one issue per problem.
 */
export function assertUpdateEndpointInput(
  input: unknown,
  rules: EndpointRules,
): asserts input is UpdateEndpointInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    fail('updateEndpoint', [notAnObject(input)]);
  }
  const issues: ValidationIssue[] = [];
  const record = input as Record<string, unknown>;
  checkKeys(record, UPDATE_KEYS, issues);
  if (record.url !== undefined) checkUrl(record.url, rules, issues);
  if (record.events !== undefined) checkEvents(record.events, rules, issues);
  checkPartnerIds(record.partnerIds, issues);
  checkVersions(record.acceptedSchemaVersions, issues);
  checkDescription(record.description, issues);
  if (record.status !== undefined && !STATUSES.includes(record.status as string)) {
    issues.push({
      path: 'status',
      code: 'invalid_value',
      message: `expected ACTIVE, PAUSED or DISABLED, got ${describeValue(record.status)}`,
    });
  }
  if (issues.length > 0) fail('updateEndpoint', issues);
}

/**
 * True when `secret` equals one of `live` (the endpoint's secrets that still sign). Every live
 * secret is compared, each in constant time over equal lengths, so the refusal is no timing
 * oracle for a stored secret's content.
 */
export function isLiveSecret(secret: string, live: readonly EndpointSecret[]): boolean {
  const candidate = utf8Encode(secret);
  let found = false;
  for (const entry of live) found = constantTimeEqual(candidate, utf8Encode(entry.secret)) || found;
  return found;
}
