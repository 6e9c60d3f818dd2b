// The request pipeline shared by WebhookReceiver (Novatrade24) and EudrWebhookReceiver:
// raw body -> verify -> parse -> dedupe.reserve -> ack -> handlers (DESIGN.md §2). The profile
// specifics (how to verify and parse, the dedupe key, routing fields) come in as a codec.

import { isWebhooksError, WebhookValidationError } from '../../core/errors.js';
import { describeValue } from '../../core/internal/describe-value.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import {
  type ParsedSubscriptionPattern,
  parseSubscriptionPattern,
} from '../../core/subscription/parse-subscription-pattern.js';
import { type HeadersInput, readHeader } from '../headers.js';
import { MemoryDedupeStore } from '../memory-dedupe-store.js';
import { MemoryInbox } from '../memory-inbox.js';
import type { DedupeReservation, DedupeStore } from '../ports/dedupe-store.js';
import type { Inbox, InboxEntry } from '../ports/inbox.js';
import { ACK, problemResponse } from '../problem.js';
import type { ReceiverRequest, ReceiverResponse } from '../receiver-request.js';
import { isRawBody, RAW_BODY_HELP } from './raw-body.js';

/** 30 days: the sender's whole retry horizon (72 h) plus manual replays inside its retention. */
export const DEFAULT_DEDUPE_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/**
 * 5 minutes: how long a key stays "in progress" while handlers run. A redelivery inside it is
 * answered 409 (retry later); a process that dies mid-handler frees the key when it lapses.
 */
export const DEFAULT_PROCESSING_LEASE_MS = 5 * 60 * 1000;
/** 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Inbox entries read per batch by `drainInbox`. */
const DRAIN_BATCH = 100;

/** How the receiver acknowledges: see docs/receiver.md, "Ack modes". */
export type AckMode = 'sync' | 'async';

/** Where in the pipeline an error happened, as reported to `onError` listeners. */
export type ReceiverErrorStage = 'request' | 'verify' | 'parse' | 'dedupe' | 'handler' | 'inbox';

/** What an `onError` listener learns besides the error itself. */
export interface ReceiverErrorContext<E = unknown> {
  /** The pipeline stage that failed. */
  readonly stage: ReceiverErrorStage;
  /** The HTTP status answered, or `null` when the failure came after the answer (async mode). */
  readonly status: number | null;
  /** The dedupe key, once known. */
  readonly key?: string | undefined;
  /** The verified event, once known. */
  readonly event?: E | undefined;
}

/** A listener registered with `onError`. Its own errors are swallowed. */
export type ErrorListener<E> = (error: unknown, context: ReceiverErrorContext<E>) => void;

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

/** Options shared by every receiver. */
export interface ReceiverBaseOptions {
  /**
   * Where accepted event ids are remembered; `false` turns dedupe off (your handlers must then be
   * idempotent on their own). Use `RedisDedupeStore` when several processes receive webhooks.
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
   * your slowest sync handler; use `ackMode: 'async'` for slow work.
   * @default 300_000 (5 minutes)
   */
  readonly processingLeaseMs?: number | undefined;
  /**
   * `sync`: handlers run before the answer (200; a handler error answers 500 and releases the
   * dedupe reservation, so the sender's retry processes the event again). `async`: the verified
   * event is recorded in the `inbox`, answered 202, then processed.
   * @default 'sync'
   */
  readonly ackMode?: AckMode | undefined;
  /**
   * The async mode's inbox. Plug in a durable one to survive restarts.
   * @default new MemoryInbox()
   */
  readonly inbox?: Inbox | undefined;
  /**
   * Largest accepted body, in bytes; larger requests are answered 413 (adapters stop reading).
   * @default 1_048_576 (1 MiB)
   */
  readonly maxBodyBytes?: number | undefined;
  /**
   * The current time in epoch **milliseconds** (signature window, `receivedAtMs`).
   * @default Date.now
   */
  readonly now?: (() => number) | undefined;
}

/** The profile-specific half of a receiver. */
export interface ReceiverCodec<E> {
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
}

interface Route<E> {
  readonly pattern: ParsedSubscriptionPattern;
  readonly handler: Handler<E>;
  readonly partners: ReadonlySet<string> | undefined;
}

/** Result of {@link ReceiverEngine.drainInbox}. */
export interface DrainResult {
  /** Entries whose handlers succeeded (and were removed from the inbox). */
  readonly processed: number;
  /** Entries whose handlers failed again (they stay pending). */
  readonly failed: number;
}

function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw invalidOption(
      name,
      `\`${name}\` must be a positive integer, got ${typeof value === 'number' ? value : describeValue(value)}.`,
    );
  }
  return value;
}

function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const semicolon = value.indexOf(';');
  const media = (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  return media === 'application/json';
}

const encoder = /* @__PURE__ */ new TextEncoder();

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
  readonly #inbox: Inbox | undefined;
  readonly #now: () => number;
  readonly #routes: Route<E>[] = [];
  readonly #anyHandlers: Handler<E>[] = [];
  readonly #errorListeners: ErrorListener<E>[] = [];
  readonly #inFlight = new Set<string>();
  readonly #pending = new Set<Promise<void>>();

  protected constructor(options: ReceiverBaseOptions, codec: ReceiverCodec<E>) {
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
      );
    }
    const ackMode = options.ackMode ?? 'sync';
    if (ackMode !== 'sync' && ackMode !== 'async') {
      throw invalidOption(
        'ackMode',
        `\`ackMode\` must be 'sync' or 'async', got ${describeValue(ackMode)}.`,
      );
    }
    const inbox = options.inbox;
    if (
      inbox !== undefined &&
      (typeof inbox !== 'object' ||
        inbox === null ||
        typeof inbox.add !== 'function' ||
        typeof inbox.pending !== 'function')
    ) {
      throw invalidOption('inbox', `\`inbox\` must be an Inbox, got ${describeValue(inbox)}.`);
    }
    if (inbox !== undefined && ackMode !== 'async') {
      throw invalidOption(
        'inbox',
        "`inbox` is used only with ackMode 'async'; set both or neither.",
      );
    }
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw invalidOption(
        'now',
        `\`now\` must be a function returning epoch milliseconds, got ${describeValue(options.now)}.`,
      );
    }
    this.#codec = codec;
    this.#now = options.now ?? (() => Date.now());
    this.#dedupe = dedupe === false ? undefined : (dedupe ?? new MemoryDedupeStore());
    this.#dedupeTtlMs = positiveInteger(options.dedupeTtlMs, 'dedupeTtlMs', DEFAULT_DEDUPE_TTL_MS);
    this.#leaseMs = positiveInteger(
      options.processingLeaseMs,
      'processingLeaseMs',
      DEFAULT_PROCESSING_LEASE_MS,
    );
    this.maxBodyBytes = positiveInteger(
      options.maxBodyBytes,
      'maxBodyBytes',
      DEFAULT_MAX_BODY_BYTES,
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
        );
      }
      partners = new Set(list);
    }
    this.#routes.push({ pattern: parsed, handler, partners });
  }

  /**
   * Registers a handler for every event, including types this SDK does not know (they reach only
   * `onAny` handlers: new types are non-breaking, spec digest §1.9). Runs after the typed handlers.
   *
   * @throws WebhookValidationError `invalid_option` when `handler` is not a function.
   */
  onAny(handler: Handler<E>): this {
    if (typeof handler !== 'function') {
      throw invalidOption(
        'handler',
        `onAny: the handler must be a function, got ${describeValue(handler)}.`,
      );
    }
    this.#anyHandlers.push(handler);
    return this;
  }

  /**
   * Registers a listener for every failure: rejected requests (`stage` `request`, `verify`,
   * `parse`), store failures (`dedupe`, `inbox`) and handler errors (`handler`). For logging and
   * metrics; a listener's own errors are swallowed.
   *
   * @throws WebhookValidationError `invalid_option` when `listener` is not a function.
   */
  onError(listener: ErrorListener<E>): this {
    if (typeof listener !== 'function') {
      throw invalidOption(
        'listener',
        `onError: the listener must be a function, got ${describeValue(listener)}.`,
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
   * @returns status 200 (processed, duplicate or ignored), 202 (async: queued), 400 (bad JSON or
   *   event), 401 (signature), 405, 409 (this event is being processed by an earlier attempt:
   *   retry later), 413, 415, or 500 (a handler or a store failed: the sender
   *   retries). Failures are RFC 9457 problem+json with a stable `code`.
   */
  async handle(request: ReceiverRequest): Promise<ReceiverResponse> {
    try {
      return await this.#handle(request);
    } catch (error) {
      this.#report(error, { stage: 'request', status: 500 });
      return problemResponse(500, 'internal_error', 'The webhook receiver failed unexpectedly.');
    }
  }

  async #handle(request: ReceiverRequest): Promise<ReceiverResponse> {
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
      const error = new WebhookValidationError(
        'invalid_payload_type',
        `The webhook receiver got ${describeValue(body)} instead of the raw request body. ${RAW_BODY_HELP}`,
      );
      this.#report(error, { stage: 'request', status: 500 });
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
      if (isWebhooksError(error)) {
        if (error.name === 'WebhookVerificationError') {
          this.#report(error, { stage: 'verify', status: 401 });
          return problemResponse(401, error.code, error.message);
        }
        if (error.code !== 'invalid_option' && error.code !== 'invalid_secret') {
          this.#report(error, { stage: 'parse', status: 400 });
          return problemResponse(400, error.code, error.message);
        }
      }
      throw error;
    }

    if (this.#codec.isIgnored(event)) return ACK.ignored;
    const key = await this.#codec.dedupeKey(event, body);

    if (this.#dedupe !== undefined) {
      let reservation: DedupeReservation;
      try {
        reservation = await this.#dedupe.reserve(key, this.#leaseMs);
      } catch (error) {
        this.#report(error, { stage: 'dedupe', status: 500, key, event });
        return problemResponse(
          500,
          'dedupe_unavailable',
          'The dedupe store is unavailable; retry later.',
        );
      }
      if (reservation === 'done') return ACK.duplicate;
      if (reservation !== 'reserved') {
        // Another attempt at this event is still running and may yet fail: a 200 here would
        // lose the event if it does. A non-2xx makes the sender retry after it has finished.
        return problemResponse(
          409,
          'event_in_progress',
          'This event is being processed by an earlier delivery attempt; retry later.',
          { 'retry-after': '60' },
        );
      }
    }

    const receivedAtMs = this.#now();
    if (this.#inbox === undefined) {
      try {
        await this.#dispatch(event, { key, receivedAtMs, attempt: 1, ackMode: 'sync' });
      } catch (error) {
        this.#report(error, { stage: 'handler', status: 500, key, event });
        await this.#release(key, event);
        return problemResponse(
          500,
          'handler_failed',
          'A handler failed; the event was not processed and will be accepted again on retry.',
        );
      }
      await this.#complete(key, event);
      return ACK.received;
    }

    const entry: InboxEntry = { key, event, receivedAtMs, attempts: 0 };
    try {
      await this.#inbox.add(entry);
    } catch (error) {
      this.#report(error, { stage: 'inbox', status: 500, key, event });
      await this.#release(key, event);
      return problemResponse(
        500,
        'inbox_unavailable',
        'The inbox is unavailable; the event was not recorded. Retry later.',
      );
    }
    // The inbox owns the event now: from here on a redelivery is a duplicate.
    await this.#complete(key, event);
    this.#track(this.#processEntry(this.#inbox, entry));
    return ACK.queued;
  }

  /** The 413 answer, for adapters that stop reading a body at `maxBodyBytes`. */
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
    if (this.#errorListeners.length > 0) {
      this.#report(new WebhookValidationError(code, detail), { stage: 'request', status });
    }
    return problemResponse(status, code, detail, headers);
  }

  /**
   * Marks the key done for the dedupe window. A failure is reported, not answered: the event was
   * processed (or queued), and the in-progress lease still guards it until it lapses.
   */
  async #complete(key: string, event: E): Promise<void> {
    if (this.#dedupe === undefined) return;
    try {
      await this.#dedupe.complete(key, this.#dedupeTtlMs);
    } catch (error) {
      this.#report(error, { stage: 'dedupe', status: null, key, event });
    }
  }

  async #release(key: string, event: E): Promise<void> {
    if (this.#dedupe === undefined) return;
    try {
      await this.#dedupe.release(key);
    } catch (error) {
      this.#report(error, { stage: 'dedupe', status: 500, key, event });
    }
  }

  async #dispatch(event: E, context: HandlerContext): Promise<void> {
    const codec = this.#codec;
    if (this.#routes.length > 0 && codec.isKnown(event)) {
      const type = codec.typeOf(event);
      let partner: string | null | undefined;
      for (const route of this.#routes) {
        const { pattern } = route;
        const matches =
          pattern.kind === 'exact'
            ? pattern.eventType === type
            : type.length > pattern.segment.length &&
              type.startsWith(pattern.segment) &&
              type.charCodeAt(pattern.segment.length) === 46; /* '.' */
        if (!matches) continue;
        if (route.partners !== undefined) {
          if (partner === undefined) partner = codec.partnerOf(event);
          if (partner === null || !route.partners.has(partner)) continue;
        }
        await route.handler(event, context);
      }
    }
    for (const handler of this.#anyHandlers) await handler(event, context);
  }

  async #processEntry(inbox: Inbox, entry: InboxEntry): Promise<boolean> {
    if (this.#inFlight.has(entry.key)) return false;
    this.#inFlight.add(entry.key);
    const event = entry.event as E;
    try {
      try {
        await this.#dispatch(event, {
          key: entry.key,
          receivedAtMs: entry.receivedAtMs,
          attempt: entry.attempts + 1,
          ackMode: 'async',
        });
      } catch (error) {
        this.#report(error, { stage: 'handler', status: null, key: entry.key, event });
        const code = isWebhooksError(error) ? error.code : 'handler_error';
        await inbox.fail(entry.key, { code, atMs: this.#now() });
        return false;
      }
      await inbox.complete(entry.key);
      return true;
    } catch (error) {
      this.#report(error, { stage: 'inbox', status: null, key: entry.key, event });
      return false;
    } finally {
      this.#inFlight.delete(entry.key);
    }
  }

  #track(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.#pending.add(settled);
    void settled.then(() => this.#pending.delete(settled));
  }

  /**
   * Processes the inbox's pending entries again (async mode): entries left by a crash, or whose
   * handlers failed. Call it at start-up, and on an interval if handlers can fail transiently.
   * Each pending entry is tried at most once per call; entries being processed are skipped.
   *
   * @returns how many entries were processed and how many failed again.
   * @example
   * ```ts
   * const receiver = new WebhookReceiver({ secret, ackMode: 'async', inbox: durableInbox });
   * await receiver.drainInbox();
   * setInterval(() => void receiver.drainInbox(), 60_000).unref();
   * ```
   */
  async drainInbox(): Promise<DrainResult> {
    const inbox = this.#inbox;
    if (inbox === undefined) return { processed: 0, failed: 0 };
    const seen = new Set<string>();
    let processed = 0;
    let failed = 0;
    for (;;) {
      const batch = (await inbox.pending(DRAIN_BATCH + seen.size)).filter(
        (entry) => !seen.has(entry.key) && !this.#inFlight.has(entry.key),
      );
      if (batch.length === 0) break;
      for (const entry of batch) {
        seen.add(entry.key);
        if (await this.#processEntry(inbox, entry)) processed++;
        else failed++;
      }
    }
    return { processed, failed };
  }

  /**
   * Resolves when every event accepted in async mode so far has been processed (or has failed
   * and stayed in the inbox). For graceful shutdown and tests.
   */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }

  #report(error: unknown, context: ReceiverErrorContext<E>): void {
    for (const listener of this.#errorListeners) {
      try {
        listener(error, context);
      } catch {
        // A failing listener must not change the answer (documented on onError).
      }
    }
  }
}
