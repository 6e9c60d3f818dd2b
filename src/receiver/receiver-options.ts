/**
 * The receiver's public option and handler types, shared by `WebhookReceiver` and
 * `EudrWebhookReceiver` in both builds (node:crypto and WebCrypto).
 */

import type { Logger } from '../logging/logger.js';
import type { DedupeStore } from './ports/dedupe-store.js';
import type { Inbox } from './ports/inbox.js';

/** 30 days: the sender's whole retry horizon (72 h) plus manual replays inside its retention. */
export const DEFAULT_DEDUPE_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/**
 * 5 minutes: how long a key stays "in progress" while handlers run. A redelivery inside it is
 * answered 409 (retry later); a process that dies mid-handler frees the key when it lapses.
 */
export const DEFAULT_PROCESSING_LEASE_MS = 5 * 60 * 1000;
/** Failed processing attempts after which `drainInbox` leaves an inbox entry alone. */
export const DEFAULT_MAX_INBOX_ATTEMPTS = 10;
/** 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/**
 * 2 seconds: the longest a receiver waits for one dedupe or inbox call before it answers 503
 * `dedupe_unavailable` (docs/design.md §5.19). Well inside the sender's 10 s request timeout, so a
 * store outage is a fast, retryable answer rather than a hung request.
 */
export const DEFAULT_STORE_TIMEOUT_MS = 2_000;

/** How the receiver acknowledges: see docs/receiver.md, "Ack modes". */
export type AckMode = 'sync' | 'async';

/** Where in the pipeline an error happened, as reported to `onError` listeners. */
export type ReceiverErrorStage = 'request' | 'verify' | 'parse' | 'dedupe' | 'handler' | 'inbox';

/** What an `onError` listener learns besides the error itself. */
export interface ReceiverErrorContext<E = unknown> {
  /** The pipeline stage that failed. */
  readonly stage: ReceiverErrorStage;
  /**
   * The HTTP status answered, or `null` when the failure came after the answer (async handlers,
   * the release of a reservation that arrived after its request was answered 503).
   */
  readonly status: number | null;
  /** The dedupe key, once known. */
  readonly key?: string | undefined;
  /**
   * The verified event, once known. Absent when a late reservation is released: a store call
   * still pending after its request was answered keeps nothing of the event or the body.
   */
  readonly event?: E | undefined;
}

/** A listener registered with `onError`. Its own errors (and rejections) are swallowed. */
export type ErrorListener<E> = (error: unknown, context: ReceiverErrorContext<E>) => unknown;

/** What a handler learns besides the event. */
export interface HandlerContext {
  /** The dedupe key: the event id (Novatrade24) or the SHA-256 of the raw body (EUDR). */
  readonly key: string;
  /** When the request arrived, in epoch milliseconds. */
  readonly receivedAtMs: number;
  /** 1 on the first run; higher when an inbox entry is processed again (async mode). */
  readonly attempt: number;
  /** The ack mode the event was received in. */
  readonly ackMode: AckMode;
}

/** A handler: may return a promise; a throw or a rejection is a failure. */
export type Handler<E> = (event: E, context: HandlerContext) => unknown;

/** The options of every receiver that do not depend on the ack mode. */
export interface ReceiverCommonOptions {
  /**
   * Where accepted event ids are remembered; `false` turns dedupe off (your handlers must then be
   * idempotent on their own). Use `RedisDedupeStore` or `PostgresDedupeStore` when several processes receive webhooks.
   * @default new MemoryDedupeStore()
   */
  readonly dedupe?: DedupeStore | false | undefined;
  /**
   * How long an accepted id is remembered, in milliseconds. It must cover the sender's retry
   * horizon (72 h for Novatrade24) plus manual replays (up to the 30-day history retention).
   * @default 2_592_000_000 (30 days)
   */
  readonly dedupeTtlMs?: number | undefined;
  /**
   * How long an event stays "in progress" in the dedupe store while its handlers run, in
   * milliseconds. A redelivery meanwhile is answered 409 `event_in_progress` (the sender retries
   * later) instead of a duplicate 200, because the first attempt may still fail. Keep it above
   * your slowest sync handler; use `ackMode: 'async'` for slow work. Handlers that outlast it are
   * reported as a `WebhookStorageError` `lease_lapsed` (stage `dedupe`).
   *
   * Async mode: also the lease of an inbox entry being processed (`Inbox.claim`). Another process
   * may take the entry over once it lapses, and a failed entry is not tried again before it
   * lapses. Keep it above your slowest async handler; one that outlasts it is reported as
   * `lease_lapsed` at stage `inbox`.
   * @default 300_000 (5 minutes)
   */
  readonly processingLeaseMs?: number | undefined;
  /**
   * Async mode: after this many failed processing attempts an inbox entry is left in the inbox
   * for inspection and `drainInbox` skips it (a poison event must not fail on every drain).
   * @default 10
   */
  readonly maxInboxAttempts?: number | undefined;
  /**
   * Largest accepted body, in bytes; larger requests are answered 413 (adapters stop reading).
   * @default 1_048_576 (1 MiB)
   */
  readonly maxBodyBytes?: number | undefined;
  /**
   * The deadline of every dedupe store and inbox call (`reserve`, `complete`, `release`, `add`,
   * `fail`, `pending`), in milliseconds: a positive integer up to 2_147_483_647 (the timer
   * limit). A store that has not answered by then counts as down (docs/design.md §5.19): a
   * request is answered 503 `dedupe_unavailable` (or `inbox_unavailable`) with `Retry-After`,
   * runs no handler and holds nothing of its body; the sender's retry brings the event back. A
   * `reserve` that answers after the deadline is released again; see docs/receiver.md, "Store
   * outages". Keep it well below the sender's 10 s request timeout.
   * @default 2_000 (2 seconds)
   */
  readonly storeTimeoutMs?: number | undefined;
  /**
   * The current time in epoch **milliseconds** (signature window, `receivedAtMs`). A clock in
   * Unix seconds is caught at the signature window: the request is answered 500 and the error
   * (`invalid_option` naming `now`) says so.
   * @default Date.now
   */
  readonly now?: (() => number) | undefined;
  /**
   * Where the receiver reports failures (docs/design.md §5.23): at `error`, a handler that threw,
   * a store or inbox that failed or missed `storeTimeoutMs`, a 500 such as a parsed body instead
   * of the raw one; at `warn`, a failed or late `complete` or `release`, a lapsed processing
   * lease, an inbox entry left pending; at `info`, rejected requests (401, 400, 405, 413, 415).
   * Fields carry the stage, the status, the failed call, the event id, a catalog event type and
   * the error's name, code and message; never a secret, a signature, a token or a body.
   * `'silent'` logs nothing; `onError` listeners are told either way.
   * @default createStderrLogger(): warnings and errors, one JSON line each, on stderr
   *   (`console.error` in the `/web` build)
   */
  readonly logger?: Logger | 'silent' | undefined;
}

/** The `sync` ack mode (the default): handlers run before the answer; there is no inbox. */
export interface SyncAckOptions {
  /**
   * `sync`: handlers run before the answer (200; a handler error answers 500 and releases the
   * dedupe reservation, so the sender's retry processes the event again). `async`: the verified
   * event is recorded in the `inbox`, answered 202, then processed.
   * @default 'sync'
   */
  readonly ackMode?: 'sync' | undefined;
  /** Only with `ackMode: 'async'`: a sync receiver has no inbox (`invalid_option` at run time). */
  readonly inbox?: undefined;
}

/** The `async` ack mode: the verified event is recorded in the inbox, answered 202, then processed. */
export interface AsyncAckOptions {
  /**
   * `async`: the verified event is recorded in the `inbox`, answered 202, then processed.
   * `sync` (the default): handlers run before the answer.
   */
  readonly ackMode: 'async';
  /**
   * The async mode's inbox. Plug in a durable one to survive restarts.
   * @default new MemoryInbox()
   */
  readonly inbox?: Inbox | undefined;
}

/**
 * Options shared by every receiver. The ack mode is a discriminated union: `inbox` compiles only
 * next to `ackMode: 'async'` (the constructor checks the same rule at run time, for JavaScript).
 */
export type ReceiverBaseOptions = ReceiverCommonOptions & (SyncAckOptions | AsyncAckOptions);

/**
 * Every option of {@link ReceiverBaseOptions}: receivers refuse other keys (`invalid_option`
 * naming the key and the nearest known name). A type test keeps the list complete.
 */
export const RECEIVER_BASE_OPTION_NAMES = [
  'dedupe',
  'dedupeTtlMs',
  'processingLeaseMs',
  'ackMode',
  'inbox',
  'maxInboxAttempts',
  'maxBodyBytes',
  'storeTimeoutMs',
  'now',
  'logger',
] as const satisfies readonly (keyof ReceiverBaseOptions)[];

/** Result of `drainInbox`. */
export interface DrainResult {
  /** Entries whose handlers succeeded (and were removed from the inbox). */
  readonly processed: number;
  /** Entries whose handlers failed again (they stay pending). */
  readonly failed: number;
  /** Entries left alone because they already failed `maxInboxAttempts` times. */
  readonly skipped: number;
}
