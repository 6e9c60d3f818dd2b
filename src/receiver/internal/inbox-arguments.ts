// The argument checks of the Inbox port's methods, shared by MemoryInbox and PostgresInbox so that
// both refuse the same values with the same issue paths. Each check names the method it guards.

import { describeValue } from '../../core/internal/describe-value.js';
import { requiredIntegerOption } from '../../core/internal/integer-option.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import type { InboxClaimOptions, InboxEntry, InboxFailure } from '../ports/inbox.js';
import { stringIssueCode } from './dedupe-arguments.js';

/** The checked fields of an entry, `event` aside (each adapter copies it its own way). */
export interface CheckedInboxEntry {
  readonly key: string;
  readonly receivedAtMs: number;
  readonly attempts: number;
  readonly lastFailure: InboxFailure | undefined;
}

/**
 * Checks an entry passed to `add`: an object, `key` a non-empty string, `receivedAtMs` finite,
 * `attempts` a non-negative integer, `lastFailure` absent or a valid failure (copied).
 *
 * @param owner - the method, named in the messages (`MemoryInbox.add`).
 * @throws WebhookValidationError `invalid_option` naming `entry` or the bad `entry.…` field.
 */
export function checkInboxEntry(owner: string, entry: InboxEntry): CheckedInboxEntry {
  if (typeof entry !== 'object' || entry === null) {
    throw invalidOption(
      'entry',
      `entry must be an object; got ${describeValue(entry)}.`,
      entry === undefined ? 'required' : 'invalid_type',
    );
  }
  assertInboxKey(entry.key, 'entry.key');
  assertEpochMs(entry.receivedAtMs, 'entry.receivedAtMs');
  requiredIntegerOption(owner, 'entry.attempts', entry.attempts, { min: 0 });
  return {
    key: entry.key,
    receivedAtMs: entry.receivedAtMs,
    attempts: entry.attempts,
    lastFailure: entry.lastFailure === undefined ? undefined : checkInboxFailure(entry.lastFailure),
  };
}

/** The most entries one `claim` or `pending` call may ask for: one bounded batch, in every adapter. */
export const MAX_INBOX_LIMIT = 10_000;

/**
 * Checks the `limit` of `claim` or `pending`: an integer from 1 to {@link MAX_INBOX_LIMIT}. The one
 * rule for every adapter, so that none accepts a batch another refuses.
 *
 * @param owner - the method, named in the messages (`MemoryInbox.claim`).
 * @throws WebhookValidationError `invalid_option` naming `limit`.
 */
export function checkInboxLimit(owner: string, limit: number): number {
  return requiredIntegerOption(owner, 'limit', limit, { min: 1, max: MAX_INBOX_LIMIT });
}

/**
 * Checks `claim`'s options; `leaseMs` is floored to whole milliseconds.
 *
 * @param owner - the method, named in the messages (`MemoryInbox.claim`).
 * @throws WebhookValidationError `invalid_option` naming `options`, `options.leaseMs`,
 *   `options.nowMs` or `options.key`.
 */
export function checkInboxClaim(
  owner: string,
  options: InboxClaimOptions,
): { leaseMs: number; nowMs: number; key: string | undefined } {
  if (typeof options !== 'object' || options === null) {
    throw invalidOption(
      'options',
      `options must be { leaseMs, nowMs, key? }; got ${describeValue(options)}.`,
      options === undefined ? 'required' : 'invalid_type',
    );
  }
  const leaseMs = requiredIntegerOption(
    owner,
    'options.leaseMs',
    typeof options.leaseMs === 'number' ? Math.floor(options.leaseMs) : options.leaseMs,
  );
  assertEpochMs(options.nowMs, 'options.nowMs');
  if (options.key !== undefined) assertInboxKey(options.key, 'options.key');
  return { leaseMs, nowMs: options.nowMs, key: options.key };
}

/**
 * Checks a failure (`code` a non-empty string, `atMs` finite) and returns a copy of it.
 *
 * @throws WebhookValidationError `invalid_option` naming `failure`, `failure.code` or
 *   `failure.atMs`.
 */
export function checkInboxFailure(failure: InboxFailure): InboxFailure {
  if (typeof failure !== 'object' || failure === null) {
    throw invalidOption(
      'failure',
      `failure must be { code, atMs }; got ${describeValue(failure)}.`,
      failure === undefined ? 'required' : 'invalid_type',
    );
  }
  if (typeof failure.code !== 'string' || failure.code === '') {
    throw invalidOption(
      'failure.code',
      `failure.code must be a non-empty string; got ${describeValue(failure.code)}.`,
      stringIssueCode(failure.code),
    );
  }
  assertEpochMs(failure.atMs, 'failure.atMs');
  return { code: failure.code, atMs: failure.atMs };
}

/** Throws `invalid_option` naming `path` unless `key` is a non-empty string. */
export function assertInboxKey(key: unknown, path = 'key'): asserts key is string {
  if (typeof key !== 'string' || key === '') {
    throw invalidOption(
      path,
      `${path} must be a non-empty string; got ${describeValue(key)}.`,
      stringIssueCode(key),
    );
  }
}

/** Throws `invalid_option` naming `token` unless it is a non-empty string. */
export function assertInboxToken(token: unknown): asserts token is string {
  if (typeof token !== 'string' || token === '') {
    throw invalidOption(
      'token',
      `token must be the non-empty string that claim returned; got ${describeValue(token)}.`,
      stringIssueCode(token),
    );
  }
}

/** Throws `invalid_option` naming `path` unless `value` is a finite number (epoch ms). */
function assertEpochMs(value: unknown, path: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    // Numbers are not secret: show them; anything else by type only.
    throw invalidOption(
      path,
      `${path} must be finite epoch milliseconds; got ${typeof value === 'number' ? String(value) : describeValue(value)}.`,
      value === undefined ? 'required' : 'invalid_type',
    );
  }
}
