// The request pipeline shared by WebhookReceiver (Novatrade24) and EudrWebhookReceiver:
// raw body -> verify -> parse -> dedupe.reserve -> ack -> handlers (docs/design.md §2). The profile
// specifics (how to verify and parse, the dedupe key, routing fields) come in as a codec.

import {
  isWebhooksError,
  type ValidationErrorCode,
  type ValidationIssue,
  WebhookStorageError,
  WebhookValidationError,
  WebhookVerificationError,
} from '../../core/errors.js';
import { describeValue } from '../../core/internal/describe-value.js';
import { integerOptionOr } from '../../core/internal/integer-option.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import { matchesSubscription } from '../../core/subscription/matches-subscription.js';
import {
  type ParsedSubscriptionPattern,
  parseSubscriptionPattern,
} from '../../core/subscription/parse-subscription-pattern.js';
import { resolveLogger } from '../../logging/internal/resolve-logger.js';
import { summarizeError } from '../../logging/internal/summarize-error.js';
import type { LogFields, Logger, LogLevel } from '../../logging/logger.js';
import type { WebhookHandleOptions } from '../adapters/webhook-handler-target.js';
import { type HeadersInput, readHeader } from '../headers.js';
import { MemoryDedupeStore } from '../memory-dedupe-store.js';
import { MemoryInbox } from '../memory-inbox.js';
import type { DedupeReservation, DedupeStore } from '../ports/dedupe-store.js';
import type { Inbox, InboxClaim, InboxEntry } from '../ports/inbox.js';
import { ACK, problemResponse } from '../problem.js';
import {
  type AckMode,
  DEFAULT_DEDUPE_TTL_MS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_INBOX_ATTEMPTS,
  DEFAULT_PROCESSING_LEASE_MS,
  DEFAULT_STORE_TIMEOUT_MS,
  type DrainResult,
  type ErrorListener,
  type Handler,
  type HandlerContext,
  type ReceiverBaseOptions,
  type ReceiverErrorContext,
} from '../receiver-options.js';
import type { ReceiverRequest, ReceiverResponse } from '../receiver-request.js';
import { readStoreTimeoutMs } from './check-receiver-options.js';
import { isParseFailure, isVerificationFailure } from './classify-error.js';
import { isRawBody, RAW_BODY_HELP } from './raw-body.js';
import { type LateOutcome, withDeadline } from './store-deadline.js';

/**
 * `Retry-After` of the "retry later" answers, in seconds: 409 (in progress) and 503 (a store is
 * down). A sender never retries earlier than its own schedule, so this only spaces retries out.
 */
const RETRY_LATER_SECONDS = '60';

/** A store outage: 503 with `Retry-After`, so the sender retries (docs/design.md §5.19). */
function storeUnavailable(
  code: 'dedupe_unavailable' | 'inbox_unavailable',
  detail: string,
): ReceiverResponse {
  return problemResponse(503, code, detail, { 'retry-after': RETRY_LATER_SECONDS });
}

/** The profile-specific half of a receiver. */
export interface ReceiverCodec<E> {
  /** The receiver's class name, for the messages of its option checks (`WebhookReceiver`). */
  readonly owner: string;
  /** Verifies and parses; throws verification or validation errors. */
  construct(body: string | Uint8Array, headers: HeadersInput): E | Promise<E>;
  /** The dedupe key of a verified event. */
  dedupeKey(event: E, body: string | Uint8Array): string | Promise<string>;
  /** The routing type of an event. */
  typeOf(event: E): string;
  /** True for an event of a catalog type this SDK types (typed handlers only see these). */
  isKnown(event: E): boolean;
  /** True when the event must be acknowledged without running handlers. */
  isIgnored(event: E): boolean;
  /** The partner an event concerns, for handlers registered with a partner filter. */
  partnerOf(event: E): string | null;
  /** The catalog that handler patterns are checked against. */
  readonly eventTypes: readonly string[];
  /**
   * The verified event's id for log lines, the one body field they carry (docs/design.md §5.23),
   * or `undefined`: EUDR payloads have none, and a custom EUDR dedupe key may be any body value.
   */
  idOf(event: E): string | undefined;
}

/** How a reported failure is logged (docs/design.md §5.23). */
interface LogNote {
  readonly level: LogLevel;
  readonly message: string;
  /** The problem code answered, when there was an answer. */
  readonly code?: string | undefined;
  /** The store or inbox call that failed: `DedupeStore.reserve`, `Inbox.add`, … */
  readonly call?: string | undefined;
}

/** An event id is logged when it looks like one: printable ASCII without spaces, up to 128. */
const LOGGABLE_ID = /^[\x21-\x7e]{1,128}$/;

interface Route<E> {
  readonly pattern: ParsedSubscriptionPattern;
  readonly handler: Handler<E>;
  readonly partners: ReadonlySet<string> | undefined;
}

function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const semicolon = value.indexOf(';');
  const media = (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  return media === 'application/json';
}

const encoder = /* @__PURE__ */ new TextEncoder();

const PARSE_TITLES: Readonly<Partial<Record<ValidationErrorCode, string>>> = {
  invalid_json: 'The body is not JSON.',
  invalid_event: 'The event is not valid.',
  unknown_event_type: 'The event type is not in the catalog (strict mode).',
  unsupported_schema_version: 'The schema version is not accepted.',
};

/**
 * A 400 detail that names the failing fields and why, but never quotes a value from the body
 * (CONTRIBUTING.md, "Errors"): field paths and zod's messages ("expected string, received number").
 */
function parseProblemDetail(error: {
  readonly code: ValidationErrorCode;
  readonly issues?: readonly ValidationIssue[];
}): string {
  const title = PARSE_TITLES[error.code] ?? 'The event could not be parsed.';
  const issues = error.issues ?? [];
  if (issues.length === 0) return title;
  const listed = issues
    .slice(0, 5)
    .map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`))
    .join('; ');
  return `${title} ${listed}${issues.length > 5 ? ` (+${issues.length - 5} more)` : ''}.`;
}

function byteLength(body: string | Uint8Array, limit: number): number {
  if (typeof body !== 'string') return body.byteLength;
  // A UTF-16 code unit encodes to at most 3 UTF-8 bytes: skip the encode when it cannot exceed.
  return body.length * 3 <= limit ? body.length : encoder.encode(body).byteLength;
}

/**
 * The receiver pipeline. Not exported from an entry point: `WebhookReceiver` and
 * `EudrWebhookReceiver` extend it with typed `on`.
 */
export class ReceiverEngine<E> {
  /** Largest accepted body in bytes; adapters read at most this much. */
  readonly maxBodyBytes: number;
  /** The ack mode. */
  readonly ackMode: AckMode;
  readonly #codec: ReceiverCodec<E>;
  readonly #dedupe: DedupeStore | undefined;
  readonly #dedupeTtlMs: number;
  readonly #leaseMs: number;
  readonly #storeTimeoutMs: number;
  readonly #maxInboxAttempts: number;
  readonly #inbox: Inbox | undefined;
  readonly #now: () => number;
  readonly #logger: Logger;
  readonly #routes: Route<E>[] = [];
  readonly #anyHandlers: Handler<E>[] = [];
  readonly #errorListeners: ErrorListener<E>[] = [];
  readonly #pending = new Set<Promise<void>>();

  /**
   * @param options - the receiver's options, already checked for unknown keys by the subclass.
   * @param codec - the profile's verify, parse and routing functions.
   * @param defaultLogger - the build's stderr logger, used when `options.logger` is absent.
   */
  protected constructor(
    options: ReceiverBaseOptions,
    codec: ReceiverCodec<E>,
    defaultLogger: Logger,
  ) {
    const dedupe = options.dedupe;
    if (
      dedupe !== undefined &&
      dedupe !== false &&
      (typeof dedupe !== 'object' ||
        dedupe === null ||
        typeof dedupe.reserve !== 'function' ||
        typeof dedupe.complete !== 'function' ||
        typeof dedupe.release !== 'function')
    ) {
      throw invalidOption(
        'dedupe',
        `\`dedupe\` must be a DedupeStore (reserve, complete and release methods) or false, got ${describeValue(dedupe)}.`,
        'invalid_type',
      );
    }
    const ackMode = options.ackMode ?? 'sync';
    if (ackMode !== 'sync' && ackMode !== 'async') {
      throw invalidOption(
        'ackMode',
        `\`ackMode\` must be 'sync' or 'async', got ${describeValue(ackMode)}.`,
        typeof ackMode === 'string' ? 'invalid_value' : 'invalid_type',
      );
    }
    const inbox = options.inbox;
    if (
      inbox !== undefined &&
      (typeof inbox !== 'object' ||
        inbox === null ||
        typeof inbox.add !== 'function' ||
        typeof inbox.claim !== 'function' ||
        typeof inbox.complete !== 'function' ||
        typeof inbox.fail !== 'function' ||
        typeof inbox.pending !== 'function')
    ) {
      throw invalidOption(
        'inbox',
        `\`inbox\` must be an Inbox (add, claim, complete, fail and pending methods), got ${describeValue(inbox)}.`,
        'invalid_type',
      );
    }
    if (inbox !== undefined && ackMode !== 'async') {
      throw invalidOption(
        'inbox',
        "`inbox` is used only with ackMode 'async'; set both or neither.",
        'invalid_value',
      );
    }
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw invalidOption(
        'now',
        `\`now\` must be a function returning epoch milliseconds, got ${describeValue(options.now)}.`,
        'invalid_type',
      );
    }
    this.#logger = resolveLogger(options.logger, () => defaultLogger);
    this.#codec = codec;
    this.#now = options.now ?? (() => Date.now());
    this.#dedupe = dedupe === false ? undefined : (dedupe ?? new MemoryDedupeStore());
    const owner = codec.owner;
    this.#dedupeTtlMs = integerOptionOr(
      owner,
      'dedupeTtlMs',
      options.dedupeTtlMs,
      DEFAULT_DEDUPE_TTL_MS,
    );
    this.#leaseMs = integerOptionOr(
      owner,
      'processingLeaseMs',
      options.processingLeaseMs,
      DEFAULT_PROCESSING_LEASE_MS,
    );
    if (this.#dedupeTtlMs <= this.#leaseMs) {
      throw invalidOption(
        'dedupeTtlMs',
        `\`dedupeTtlMs\` (${this.#dedupeTtlMs} ms) must be longer than \`processingLeaseMs\` ` +
          `(${this.#leaseMs} ms); it should cover the sender's retries and replays (default 30 days).`,
        'too_small',
      );
    }
    this.#maxInboxAttempts = integerOptionOr(
      owner,
      'maxInboxAttempts',
      options.maxInboxAttempts,
      DEFAULT_MAX_INBOX_ATTEMPTS,
    );
    this.maxBodyBytes = integerOptionOr(
      owner,
      'maxBodyBytes',
      options.maxBodyBytes,
      DEFAULT_MAX_BODY_BYTES,
    );
    this.#storeTimeoutMs = readStoreTimeoutMs(
      options.storeTimeoutMs,
      DEFAULT_STORE_TIMEOUT_MS,
      owner,
    );
    this.ackMode = ackMode;
    this.#inbox = ackMode === 'async' ? (inbox ?? new MemoryInbox()) : undefined;
  }

  /** Registers a typed route; the subclasses narrow the types. */
  protected addRoute(
    pattern: string,
    handler: Handler<E>,
    partnerUuid: string | readonly string[] | undefined,
    fnName: string,
  ): void {
    const parsed = parseSubscriptionPattern(pattern, { eventTypes: this.#codec.eventTypes });
    if (typeof handler !== 'function') {
      throw invalidOption(
        'handler',
        `${fnName}: the handler must be a function, got ${describeValue(handler)}.`,
        'invalid_type',
      );
    }
    let partners: ReadonlySet<string> | undefined;
    if (partnerUuid !== undefined) {
      const list = typeof partnerUuid === 'string' ? [partnerUuid] : partnerUuid;
      if (
        !Array.isArray(list) ||
        list.length === 0 ||
        !list.every((p) => typeof p === 'string' && p !== '')
      ) {
        throw invalidOption(
          'partnerUuid',
          `${fnName}: \`partnerUuid\` must be a non-empty string or a non-empty array of them, got ${describeValue(partnerUuid)}.`,
          Array.isArray(list) && list.every((p) => typeof p === 'string')
            ? list.length === 0
              ? 'too_small'
              : 'invalid_value'
            : 'invalid_type',
        );
      }
      partners = new Set(list);
    }
    this.#routes.push({ pattern: parsed, handler, partners });
  }

  /**
   * Registers a handler for every event, including types this SDK does not know (they reach only
   * `onAny` handlers: new types are non-breaking, docs/design.md §6.1). Runs after the typed handlers.
   *
   * @param handler - `(event, context) => void | Promise<void>`; a throw fails the event.
   * @returns this receiver, for chaining.
   * @throws WebhookValidationError `invalid_option` when `handler` is not a function.
   * @example
   * ```ts
   * receiver.onAny((event, { attempt }) => audit.record(event.id, event.type, attempt));
   * ```
   */
  onAny(handler: Handler<E>): this {
    if (typeof handler !== 'function') {
      throw invalidOption(
        'handler',
        `onAny: the handler must be a function, got ${describeValue(handler)}.`,
        'invalid_type',
      );
    }
    this.#anyHandlers.push(handler);
    return this;
  }

  /**
   * Registers a listener for every failure: rejected requests (`stage` `request`, `verify`,
   * `parse`), store failures (`dedupe`, `inbox`: a store error, or a `WebhookStorageError`
   * `storage_unavailable` naming the call that missed `storeTimeoutMs`) and handler errors
   * (`handler`). For logging and metrics; a listener's own errors and rejections are swallowed.
   * Errors and context carry no body values, secrets or reservation tokens.
   *
   * @param listener - `(error, { stage, status, key, event }) => void`.
   * @returns this receiver, for chaining.
   * @throws WebhookValidationError `invalid_option` when `listener` is not a function.
   * @example
   * ```ts
   * receiver.onError((error, { stage, status }) =>
   *   log.warn({ stage, status, code: isWebhooksError(error) ? error.code : 'error' }, 'webhook'));
   * ```
   */
  onError(listener: ErrorListener<E>): this {
    if (typeof listener !== 'function') {
      throw invalidOption(
        'listener',
        `onError: the listener must be a function, got ${describeValue(listener)}.`,
        'invalid_type',
      );
    }
    this.#errorListeners.push(listener);
    return this;
  }

  /**
   * Handles one webhook request whose raw body has been read, and returns the answer. Adapters
   * (`toNodeListener`, `expressHandler`, `fastifyWebhooks`, `fetchHandler`) call it; call it
   * yourself for a framework without an adapter. Never throws: every failure is an answer.
   *
   * @param request - method, headers and raw body.
   * @param options - `waitUntil`: receives the processing that follows a 202 (async mode), for a
   *   runtime that ends the request with its response (Workers' `ctx.waitUntil`); `fetchHandler`
   *   passes the runtime's own. Without it the processing starts on a later macrotask, as on Node.
   * @returns status 200 (processed, duplicate or ignored), 202 (async: queued), 400 (bad JSON or
   *   event), 401 (signature), 405, 409 (this event is being processed by an earlier attempt:
   *   retry later), 413, 415, 500 (a handler failed: the sender retries) or 503 with
   *   `Retry-After` (`dedupe_unavailable` or `inbox_unavailable`: a store failed or did not
   *   answer within `storeTimeoutMs`; no handler ran, the sender retries). Failures are RFC 9457
   *   problem+json with a stable `code`.
   * @example
   * ```ts
   * // A framework without an adapter: read the raw body yourself, then write the answer back.
   * const answer = await receiver.handle({ method: req.method, headers: req.headers, body: raw });
   * reply.status(answer.status).headers(answer.headers).send(answer.body);
   * ```
   */
  async handle(
    request: ReceiverRequest,
    options?: WebhookHandleOptions,
  ): Promise<ReceiverResponse> {
    try {
      return await this.#handle(request, options?.waitUntil);
    } catch (error) {
      this.#report(
        error,
        { stage: 'request', status: 500 },
        {
          level: 'error',
          code: 'internal_error',
          message: 'the webhook receiver failed; answered 500 internal_error, the sender retries',
        },
      );
      return problemResponse(500, 'internal_error', 'The webhook receiver failed unexpectedly.');
    }
  }

  async #handle(
    request: ReceiverRequest,
    waitUntil: WebhookHandleOptions['waitUntil'],
  ): Promise<ReceiverResponse> {
    if (typeof request.method !== 'string' || request.method.toUpperCase() !== 'POST') {
      return this.#reject(
        405,
        'method_not_allowed',
        `Webhooks are delivered with POST, got ${typeof request.method === 'string' ? request.method.slice(0, 16) : describeValue(request.method)}.`,
        { allow: 'POST' },
      );
    }
    const body: unknown = request.body;
    if (!isRawBody(body)) {
      // A server misconfiguration, not the sender's fault: 500 so the sender retries once fixed.
      const error = new WebhookVerificationError(
        'invalid_payload_type',
        `The webhook receiver got ${describeValue(body)} instead of the raw request body. ${RAW_BODY_HELP}`,
      );
      this.#report(
        error,
        { stage: 'request', status: 500 },
        {
          level: 'error',
          code: 'invalid_payload_type',
          message:
            'the receiver got a parsed body instead of the raw request body; answered 500 invalid_payload_type',
        },
      );
      return problemResponse(500, 'invalid_payload_type', error.message);
    }
    if (!isJsonContentType(readHeader(request.headers, 'content-type'))) {
      return this.#reject(
        415,
        'unsupported_media_type',
        'Webhook bodies must be sent with Content-Type: application/json.',
      );
    }
    if (byteLength(body, this.maxBodyBytes) > this.maxBodyBytes) return this.tooLarge();

    let event: E;
    try {
      event = await this.#codec.construct(body, request.headers);
    } catch (error) {
      // By code (classify-error.ts): an error of another copy of this package counts too.
      if (isVerificationFailure(error)) {
        this.#report(
          error,
          { stage: 'verify', status: 401 },
          { level: 'info', code: error.code, message: 'rejected a webhook: 401, not verified' },
        );
        return problemResponse(401, error.code, error.message);
      }
      if (isParseFailure(error)) {
        this.#report(
          error,
          { stage: 'parse', status: 400 },
          { level: 'info', code: error.code, message: 'rejected a webhook: 400, not parsed' },
        );
        return problemResponse(400, error.code, parseProblemDetail(error));
      }
      throw error;
    }

    if (this.#codec.isIgnored(event)) return ACK.ignored;
    const key = await this.#codec.dedupeKey(event, body);

    let token = '';
    if (this.#dedupe !== undefined) {
      let reservation: DedupeReservation;
      try {
        reservation = await this.#reserve(this.#dedupe, key, waitUntil);
      } catch (error) {
        this.#report(
          error,
          { stage: 'dedupe', status: 503, key, event },
          {
            level: 'error',
            code: 'dedupe_unavailable',
            call: 'DedupeStore.reserve',
            message: 'the dedupe store failed; answered 503 dedupe_unavailable, the sender retries',
          },
        );
        return storeUnavailable(
          'dedupe_unavailable',
          'The dedupe store is unavailable; the event was not processed. Retry later.',
        );
      }
      if (reservation.status === 'done') return ACK.duplicate;
      if (reservation.status !== 'reserved') {
        // Another attempt at this event is still running and may yet fail: a 200 here would
        // lose the event if it does. A non-2xx makes the sender retry after it has finished.
        return problemResponse(
          409,
          'event_in_progress',
          'This event is being processed by an earlier delivery attempt; retry later.',
          { 'retry-after': RETRY_LATER_SECONDS },
        );
      }
      token = reservation.token;
    }

    const receivedAtMs = this.#now();
    if (this.#inbox === undefined) {
      try {
        await this.#dispatch(event, { key, receivedAtMs, attempt: 1, ackMode: 'sync' });
      } catch (error) {
        this.#report(
          error,
          { stage: 'handler', status: 500, key, event },
          {
            level: 'error',
            code: 'handler_failed',
            message: 'a webhook handler failed; answered 500 handler_failed, the sender retries',
          },
        );
        await this.#release(key, token, event, 500);
        return problemResponse(
          500,
          'handler_failed',
          'A handler failed; the event was not processed and will be accepted again on retry.',
        );
      }
      // The handlers succeeded: the answer is 200 even if `complete` fails or misses its
      // deadline (docs/design.md §5.19). A 503 would make the sender retry an event that was
      // processed; answering 200 leaves only the lease to guard it, as after a crash.
      await this.#complete(key, token, event, 200);
      return ACK.received;
    }

    const inbox = this.#inbox;
    const entry: InboxEntry = { key, event, receivedAtMs, attempts: 0 };
    try {
      await this.#withDeadline('Inbox.add', () => inbox.add(entry));
    } catch (error) {
      this.#report(
        error,
        { stage: 'inbox', status: 503, key, event },
        {
          level: 'error',
          code: 'inbox_unavailable',
          call: 'Inbox.add',
          message: 'the inbox failed; answered 503 inbox_unavailable, the sender retries',
        },
      );
      await this.#release(key, token, event, 503);
      return storeUnavailable(
        'inbox_unavailable',
        'The inbox is unavailable; the event was not recorded. Retry later.',
      );
    }
    // The inbox owns the event now: from here on a redelivery is a duplicate.
    await this.#complete(key, token, event, 202);
    // Start the handlers on a later macrotask, so the 202 is written first even when a handler
    // begins with synchronous work. They run under a lease on the entry (docs/receiver.md,
    // "Inbox adapters"): another process draining the same inbox leaves it alone meanwhile.
    const work = this.#track(
      new Promise<void>((resolve) => setTimeout(resolve, 0)).then(() =>
        this.#claimAndProcess(inbox, entry, event),
      ),
    );
    // A runtime that ends the request with its response (workerd) runs this work only while the
    // request's waitUntil holds it; without it the entry waits in the inbox for drainInbox().
    if (typeof waitUntil === 'function') this.#handOver(waitUntil, work, key, event);
    return ACK.queued;
  }

  /**
   * The 413 answer, for adapters that stop reading a body at `maxBodyBytes`.
   *
   * @example
   * ```ts
   * if (declaredLength > receiver.maxBodyBytes) return send(receiver.tooLarge());
   * ```
   */
  tooLarge(): ReceiverResponse {
    return this.#reject(
      413,
      'payload_too_large',
      `The body exceeds this receiver's limit of ${this.maxBodyBytes} bytes.`,
    );
  }

  #reject(
    status: number,
    code: 'method_not_allowed' | 'unsupported_media_type' | 'payload_too_large',
    detail: string,
    headers?: Readonly<Record<string, string>>,
  ): ReceiverResponse {
    this.#logger.info(
      { stage: 'request', status, code },
      `rejected a webhook request: ${status} ${code}`,
    );
    if (this.#errorListeners.length > 0) {
      this.#tell(new WebhookValidationError(code, detail), { stage: 'request', status });
    }
    return problemResponse(status, code, detail, headers);
  }

  /**
   * Runs one dedupe or inbox call under `storeTimeoutMs` (docs/design.md §5.19). A call that
   * misses the deadline rejects with `storage_unavailable`; its late outcome goes to `onLate`.
   */
  #withDeadline<T>(
    operation: string,
    call: () => Promise<T>,
    onLate?: (outcome: LateOutcome<T>) => void,
  ): Promise<T> {
    return withDeadline(call, { timeoutMs: this.#storeTimeoutMs, operation, onLate });
  }

  /**
   * `reserve` under the deadline. A reservation that arrives after the deadline is released at
   * once with its token: the request was answered 503, so nobody will complete it, and keeping it
   * would answer the sender's retry 409 for the whole lease. Takes the key only, so a pending
   * call keeps neither the body nor the event alive.
   *
   * When the deadline passes first and the request has a `waitUntil`, that work (the call's late
   * answer, then the release) is handed to it with the 503: a runtime that ends the request with
   * its response (workerd) would otherwise drop the release, and the key would stay in progress
   * for the lease. The promise handed over never rejects.
   */
  #reserve(
    store: DedupeStore,
    key: string,
    waitUntil: WebhookHandleOptions['waitUntil'],
  ): Promise<DedupeReservation> {
    let answered = false;
    // Made before the call, so it is there whenever the late answer comes; only for a waitUntil.
    let finish: (() => void) | undefined;
    const late =
      typeof waitUntil === 'function'
        ? new Promise<void>((resolve) => {
            finish = resolve;
          })
        : undefined;
    const reserving = this.#withDeadline(
      'DedupeStore.reserve',
      async () => {
        try {
          const reservation = await store.reserve(key, this.#leaseMs);
          if (typeof reservation !== 'object' || reservation === null) {
            throw new TypeError('DedupeStore.reserve must resolve to { status, token? }');
          }
          return reservation;
        } finally {
          answered = true;
        }
      },
      (outcome) => {
        const done = () => finish?.();
        if (
          outcome.status === 'fulfilled' &&
          outcome.value.status === 'reserved' &&
          typeof outcome.value.token === 'string'
        ) {
          void this.#releaseLate(store, key, outcome.value.token).then(done, done);
        } else done();
      },
    );
    if (late === undefined || typeof waitUntil !== 'function') return reserving;
    const handTo = waitUntil;
    return reserving.catch((error: unknown) => {
      // Still unanswered: the deadline passed first, and `late` settles once the call has.
      if (!answered) this.#handOverLate(handTo, late, key);
      throw error;
    });
  }

  /** Hands the late end of a timed-out `reserve` to the request's `waitUntil`; a throw is reported. */
  #handOverLate(waitUntil: (work: Promise<void>) => void, work: Promise<void>, key: string): void {
    try {
      waitUntil(work);
    } catch (error) {
      this.#report(
        error,
        { stage: 'dedupe', status: 503, key },
        {
          level: 'warn',
          message:
            'waitUntil threw; a reservation that arrives after its deadline may not be released before the lease lapses',
        },
      );
    }
  }

  /** Releases a reservation that arrived after its request was answered; failures are reported. */
  async #releaseLate(store: DedupeStore, key: string, token: string): Promise<void> {
    try {
      await this.#withDeadline('DedupeStore.release', () => store.release(key, token));
    } catch (error) {
      // The key stays in progress until its lease lapses: the sender's retries meanwhile get 409.
      this.#report(
        error,
        { stage: 'dedupe', status: null, key },
        {
          level: 'warn',
          call: 'DedupeStore.release',
          message:
            'releasing a reservation that arrived after its deadline failed; retries get 409 until the lease lapses',
        },
      );
    }
  }

  /**
   * Marks the key done for the dedupe window. A failure (or a missed deadline) is reported, not
   * answered: the event was processed (or queued), and the in-progress lease still guards it
   * until it lapses. A late `complete` that lands still marks the key done.
   */
  async #complete(key: string, token: string, event: E, status: number): Promise<void> {
    const store = this.#dedupe;
    if (store === undefined) return;
    try {
      const ttlMs = this.#dedupeTtlMs;
      if (
        !(await this.#withDeadline('DedupeStore.complete', () => store.complete(key, token, ttlMs)))
      ) {
        // The lease lapsed while the handlers ran (slower than processingLeaseMs): another attempt
        // may hold the key now. Report it: the lease is too short for these handlers. A store
        // condition, not a bad option value (the option was valid when checked).
        this.#report(
          new WebhookStorageError(
            'lease_lapsed',
            `The dedupe reservation lapsed before the handlers finished; raise processingLeaseMs ` +
              `(${this.#leaseMs} ms) or use ackMode 'async'.`,
          ),
          { stage: 'dedupe', status, key, event },
          {
            level: 'warn',
            call: 'DedupeStore.complete',
            message: `the dedupe reservation lapsed before the handlers finished; raise processingLeaseMs (${this.#leaseMs} ms) or use ackMode 'async'`,
          },
        );
      }
    } catch (error) {
      this.#report(
        error,
        { stage: 'dedupe', status, key, event },
        {
          level: 'warn',
          call: 'DedupeStore.complete',
          message: `marking the event done failed after answering ${status}; the lease guards it until it lapses`,
        },
      );
    }
  }

  /**
   * Forgets the key after a failure, so the sender's retry is processed. If the store fails or
   * misses the deadline, the key stays in progress until its lease lapses (retries get 409 until
   * then); the failure is reported.
   */
  async #release(key: string, token: string, event: E, status: number): Promise<void> {
    const store = this.#dedupe;
    if (store === undefined) return;
    try {
      await this.#withDeadline('DedupeStore.release', () => store.release(key, token));
    } catch (error) {
      this.#report(
        error,
        { stage: 'dedupe', status, key, event },
        {
          level: 'warn',
          call: 'DedupeStore.release',
          message: `releasing the reservation failed after answering ${status}; retries get 409 until the lease lapses`,
        },
      );
    }
  }

  async #dispatch(event: E, context: HandlerContext): Promise<void> {
    const codec = this.#codec;
    if (this.#routes.length > 0 && codec.isKnown(event)) {
      const type = codec.typeOf(event);
      let partner: string | null | undefined;
      for (const route of this.#routes) {
        // The subscription module's rule (docs/design.md §5.5), on the pattern parsed once in `on`.
        if (!matchesSubscription(route.pattern, type)) continue;
        if (route.partners !== undefined) {
          if (partner === undefined) partner = codec.partnerOf(event);
          if (partner === null || !route.partners.has(partner)) continue;
        }
        await route.handler(event, context);
      }
    }
    for (const handler of this.#anyHandlers) await handler(event, context);
  }

  /**
   * The work after a 202: leases the entry just added and runs its handlers. No lease (another
   * process claimed it first, or the claim failed) leaves the entry to whoever holds it, or to
   * `drainInbox()`.
   */
  async #claimAndProcess(inbox: Inbox, entry: InboxEntry, event: E): Promise<void> {
    let claims: readonly InboxClaim[];
    try {
      claims = checkedClaims(
        await this.#withDeadline('Inbox.claim', () =>
          inbox.claim(1, { leaseMs: this.#leaseMs, nowMs: this.#now(), key: entry.key }),
        ),
      );
    } catch (error) {
      this.#report(
        error,
        { stage: 'inbox', status: null, key: entry.key, event },
        {
          level: 'warn',
          call: 'Inbox.claim',
          message: 'claiming the inbox entry failed; it stays pending for drainInbox',
        },
      );
      return;
    }
    const claim = claims.find((c) => c.entry.key === entry.key);
    if (claim === undefined) return;
    // A redelivery (dedupe off, or after the dedupe window) of an entry that already failed
    // maxInboxAttempts times: left for inspection, unprocessed, as drainInbox leaves it.
    if (claim.entry.attempts >= this.#maxInboxAttempts) return;
    await this.#processEntry(inbox, claim);
  }

  /** Runs the handlers of a claimed entry, then completes or fails it with the claim's token. */
  async #processEntry(inbox: Inbox, claim: InboxClaim): Promise<boolean> {
    const { entry, token } = claim;
    const event = entry.event as E;
    let call = 'Inbox.complete';
    try {
      try {
        await this.#dispatch(event, {
          key: entry.key,
          receivedAtMs: entry.receivedAtMs,
          attempt: entry.attempts + 1,
          ackMode: 'async',
        });
      } catch (error) {
        this.#report(
          error,
          { stage: 'handler', status: null, key: entry.key, event },
          {
            level: 'error',
            message: `a webhook handler failed (async, attempt ${entry.attempts + 1}); the inbox entry stays pending for drainInbox`,
          },
        );
        call = 'Inbox.fail';
        const failure = {
          code: isWebhooksError(error) ? error.code : 'handler_error',
          atMs: this.#now(),
        };
        const recorded = await this.#withDeadline('Inbox.fail', () =>
          inbox.fail(entry.key, token, failure),
        );
        if (recorded !== true) this.#leaseLapsed(entry.key, event, call);
        return false;
      }
      // A missed deadline here leaves the entry pending: drainInbox runs it again (at least once).
      const removed = await this.#withDeadline('Inbox.complete', () =>
        inbox.complete(entry.key, token),
      );
      if (removed !== true) {
        this.#leaseLapsed(entry.key, event, call);
        return false;
      }
      return true;
    } catch (error) {
      this.#report(
        error,
        { stage: 'inbox', status: null, key: entry.key, event },
        {
          level: 'warn',
          call,
          message:
            'the inbox failed after the handlers ran; the entry stays pending for drainInbox',
        },
      );
      return false;
    }
  }

  /**
   * `Inbox.complete` or `Inbox.fail` was refused: the handlers outlasted the entry's lease, and
   * another claim (maybe another process) may be running them too. Reported: the lease is too
   * short for these handlers.
   */
  #leaseLapsed(key: string, event: E, call: string): void {
    this.#report(
      new WebhookStorageError(
        'lease_lapsed',
        `The inbox lease lapsed before the handlers finished; raise processingLeaseMs (${this.#leaseMs} ms).`,
      ),
      { stage: 'inbox', status: null, key, event },
      {
        level: 'warn',
        call,
        message: `the inbox lease lapsed before the handlers finished; raise processingLeaseMs (${this.#leaseMs} ms)`,
      },
    );
  }

  /** Counts `work` for `idle()`; returns it settled (never rejecting), for `waitUntil`. */
  #track(work: Promise<unknown>): Promise<void> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.#pending.add(settled);
    void settled.then(() => this.#pending.delete(settled));
    return settled;
  }

  /**
   * Hands the processing after a 202 to the request's `waitUntil`. One that throws does not change
   * the answer (the event is in the inbox): it is reported, and the work runs if the runtime lets
   * it; otherwise `drainInbox()` picks the entry up.
   */
  #handOver(
    waitUntil: (work: Promise<void>) => void,
    work: Promise<void>,
    key: string,
    event: E,
  ): void {
    try {
      waitUntil(work);
    } catch (error) {
      this.#report(
        error,
        { stage: 'inbox', status: 202, key, event },
        {
          level: 'warn',
          message:
            'waitUntil threw; the handlers may not run until drainInbox picks the inbox entry up',
        },
      );
    }
  }

  /**
   * Processes the inbox's pending entries again (async mode): entries left by a crash, or whose
   * handlers failed. Call it at start-up, and on an interval if handlers can fail transiently or
   * another process may die. Entries are claimed one at a time, each right before its handlers
   * run, under a `processingLeaseMs` lease that therefore starts with them: entries that a live
   * process (this one or another) is processing are left alone, as are failed entries whose last
   * attempt's lease has not lapsed yet. Each entry is tried at most once per call.
   *
   * @returns how many entries were processed and how many failed again. An entry whose
   *   `Inbox.complete` or `Inbox.fail` misses `storeTimeoutMs`, or is refused because its lease
   *   lapsed, counts as failed and stays pending.
   * @throws WebhookStorageError `storage_unavailable` (as a rejection) when `Inbox.claim` does
   *   not answer within `storeTimeoutMs`; `storage_corrupt` when it resolves something other
   *   than an array of `{ entry, token }`; whatever `Inbox.claim` rejects with.
   * @example
   * ```ts
   * const receiver = new WebhookReceiver({ secret, ackMode: 'async', inbox: durableInbox });
   * await receiver.drainInbox();
   * setInterval(() => void receiver.drainInbox(), 60_000).unref();
   * ```
   */
  async drainInbox(): Promise<DrainResult> {
    const inbox = this.#inbox;
    if (inbox === undefined) return { processed: 0, failed: 0, skipped: 0 };
    const seen = new Set<string>();
    let processed = 0;
    let failed = 0;
    let skipped = 0;
    for (;;) {
      // One entry per claim, right before it runs: a lease taken for a whole batch would start
      // ticking for the last entries while the first ones ran, and another process could take
      // an entry over (and run it a second time) before its turn came, however short every
      // handler is (docs/design.md §5.27).
      const claims = checkedClaims(
        await this.#withDeadline('Inbox.claim', () =>
          inbox.claim(1, { leaseMs: this.#leaseMs, nowMs: this.#now() }),
        ),
      );
      if (claims.length === 0) break;
      for (const claim of claims) {
        const key = claim.entry.key;
        // Claimed again in this call (its lease lapsed while the drain ran): it keeps the new
        // lease, untried, so it is not handed out again and no entry runs twice per call.
        if (seen.has(key)) continue;
        seen.add(key);
        // Entries that failed maxInboxAttempts times stay in the inbox for inspection, unprocessed
        // (a poison event must not run and fail on every drain); the lease keeps them out of the
        // next claims until it lapses.
        if (claim.entry.attempts >= this.#maxInboxAttempts) skipped++;
        else if (await this.#processEntry(inbox, claim)) processed++;
        else failed++;
      }
    }
    return { processed, failed, skipped };
  }

  /**
   * Resolves when every event accepted in async mode so far has been processed (or has failed
   * and stayed in the inbox). For graceful shutdown and tests.
   *
   * @example
   * ```ts
   * process.on('SIGTERM', async () => { server.close(); await receiver.idle(); process.exit(0); });
   * ```
   */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }

  /** Logs a failure (docs/design.md §5.23), then tells the `onError` listeners. */
  #report(error: unknown, context: ReceiverErrorContext<E>, note: LogNote): void {
    const fields: Record<string, unknown> = { stage: context.stage, status: context.status };
    if (note.code !== undefined) fields.code = note.code;
    if (note.call !== undefined) fields.call = note.call;
    const event = context.event;
    if (event !== undefined) {
      const id = this.#codec.idOf(event);
      if (id !== undefined && LOGGABLE_ID.test(id)) fields.eventId = id;
      // A type outside the catalog came from the body: it is not logged (docs/design.md §5.20).
      if (this.#codec.isKnown(event)) fields.eventType = this.#codec.typeOf(event);
    }
    fields.error = summarizeError(error);
    this.#logger[note.level](fields satisfies LogFields, note.message);
    this.#tell(error, context);
  }

  /** Tells every `onError` listener; their own failures are swallowed. */
  #tell(error: unknown, context: ReceiverErrorContext<E>): void {
    for (const listener of this.#errorListeners) {
      try {
        const returned: unknown = listener(error, context);
        // An async listener's rejection is swallowed too (never an unhandled rejection).
        if (returned instanceof Promise) returned.catch(() => undefined);
      } catch {
        // A failing listener must not change the answer (documented on onError).
      }
    }
  }
}

/**
 * `Inbox.claim`'s answer, checked before anything is read from it: an array of
 * `{ entry: { key, attempts, … }, token }`. Anything else is a faulty adapter, refused as
 * `storage_corrupt` (so it is reported, never a `TypeError` lost after the 202).
 */
function checkedClaims(value: unknown): readonly InboxClaim[] {
  if (!Array.isArray(value)) {
    throw new WebhookStorageError(
      'storage_corrupt',
      `Inbox.claim must resolve an array of { entry, token }; got ${describeValue(value)}. Fix the inbox adapter.`,
    );
  }
  for (const claim of value as unknown[]) {
    if (!isClaim(claim)) {
      throw new WebhookStorageError(
        'storage_corrupt',
        `Inbox.claim resolved an item that is not { entry: { key, attempts, … }, token } (a non-empty key and token, a non-negative integer attempts); got ${describeValue(claim)}. Fix the inbox adapter.`,
      );
    }
  }
  return value as readonly InboxClaim[];
}

function isClaim(value: unknown): value is InboxClaim {
  if (typeof value !== 'object' || value === null) return false;
  const { entry, token } = value as { entry?: unknown; token?: unknown };
  if (typeof token !== 'string' || token === '') return false;
  if (typeof entry !== 'object' || entry === null) return false;
  const { key, attempts } = entry as { key?: unknown; attempts?: unknown };
  return (
    typeof key === 'string' &&
    key !== '' &&
    Number.isSafeInteger(attempts) &&
    (attempts as number) >= 0
  );
}
