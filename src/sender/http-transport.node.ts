// The default transport (docs/design.md §5.13, §5.14): undici dispatch handlers over a keep-alive Agent.
// Not the built-in fetch: on the reference machine it costs about 6x more client CPU per request,
// and it would send `Accept-Encoding` and follow redirects unless told otherwise.

import type { LookupFunction } from 'node:net';
import { Agent } from 'undici';
import type { DeliveryFailureReason } from '../core/catalog/enum-values.js';
import { assertKnownOptions } from '../core/internal/assert-known-options.js';
import { concatBytes } from '../core/internal/bytes.js';
import { describeNumberOption, describeValue } from '../core/internal/describe-value.js';
import { integerOptionOr } from '../core/internal/integer-option.js';
import { invalidOption } from '../core/internal/invalid-option.js';
import { positiveNumberIssueCode } from '../core/internal/number-option.js';
import { MAX_TIMER_MS } from '../core/internal/timer-delay.js';
import { defaultLookup, guardedLookup, isBlocked } from './internal/guarded-lookup.node.js';
import { TargetCache } from './internal/target-cache.node.js';
import type { Transport, TransportRequest, TransportResult } from './ports/transport.js';

/** One address a host name resolves to. */
export interface ResolvedAddress {
  /** An IPv4 or IPv6 address. */
  readonly address: string;
  /** 4 or 6; derived from `address` when absent. */
  readonly family?: number | undefined;
}

/**
 * Resolves a host name to all of its addresses, as `dns.promises.lookup(hostname, { all: true })`
 * does. Rejecting (or resolving to no address) makes the attempt a `NETWORK_ERROR`.
 */
export type HostLookup = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** Options of {@link HttpTransport}. */
export interface HttpTransportOptions {
  /**
   * Allow connections to loopback, private, link-local, CGNAT, multicast and other internal
   * addresses (docs/design.md §5.14). Tests and local development set it explicitly.
   * @default false
   */
  readonly allowPrivateNetworks?: boolean | undefined;
  /**
   * How many bytes of a response body to keep; the rest is not downloaded (the body is aborted
   * once the cap is passed). `0` keeps none.
   * @default 4096
   */
  readonly maxResponseBytes?: number | undefined;
  /**
   * Connections per origin (receiver scheme, host and port), and so the sender's cap on attempts
   * to one origin in flight (exposed as {@link HttpTransport.connectionsPerOrigin}): one number,
   * so the dispatcher never queues an attempt behind a full pool, where waiting for a connection
   * would eat into its timeout (docs/design.md §5.18).
   * @default 32
   */
  readonly connections?: number | undefined;
  /**
   * How long an idle keep-alive connection stays open, ms (a receiver's own `Keep-Alive: timeout`
   * hint wins when shorter).
   * @default 4000
   */
  readonly keepAliveTimeoutMs?: number | undefined;
  /**
   * Host name resolution, for tests.
   * @default (hostname) => dns.promises.lookup(hostname, { all: true })
   */
  readonly lookup?: HostLookup | undefined;
}

/**
 * Every option of {@link HttpTransportOptions}, the one list the constructor checks keys against
 * (a misspelt `conections` is refused, naming `connections`; a type test keeps the list complete).
 */
export const HTTP_TRANSPORT_OPTION_NAMES = [
  'allowPrivateNetworks',
  'maxResponseBytes',
  'connections',
  'keepAliveTimeoutMs',
  'lookup',
] as const satisfies readonly (keyof HttpTransportOptions)[];

const DEFAULT_MAX_RESPONSE_BYTES = 4096;
const DEFAULT_CONNECTIONS = 32;
const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 4000;

/** undici's own timeouts (headers, body, connect): one more way to see a timeout. */
const UNDICI_TIMEOUT_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Abort reasons, told apart by identity. */
const TIMED_OUT = new Error('HttpTransport: the request timed out');
const CANCELLED = new Error('HttpTransport: the request was aborted by the caller');

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null
    ? (error as { code?: unknown }).code
    : undefined;
}

const decoder = new TextDecoder('utf-8');

function decode(parts: readonly Uint8Array[]): string {
  if (parts.length === 0) return '';
  if (parts.length === 1) return decoder.decode(parts[0]);
  return decoder.decode(concatBytes(parts));
}

/**
 * The headers to send, copied: no compression is negotiated, because the cap counts wire bytes
 * and a small compressed body could otherwise expand without bound (docs/design.md §5.13). A copy,
 * not the caller's object: undici reads it only when the request leaves its queue, which may be
 * after `send` returned when every connection of the pool is busy.
 */
function withoutAcceptEncoding(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  const names = Object.keys(headers);
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    if (name.length !== 15 || name.toLowerCase() !== 'accept-encoding')
      out[name] = headers[name] as string;
  }
  return out;
}

function latin1(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return latin1(value[0]);
  return (value as Buffer).toString('latin1');
}

/** The first `Retry-After` of undici's raw header list (alternating names and values). */
function retryAfterOf(raw: readonly unknown[]): string | null {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as Buffer | string;
    if (name.length === 11 && latin1(name).toLowerCase() === 'retry-after') {
      return latin1(raw[i + 1]);
    }
  }
  return null;
}

function onDeadline(attempt: Attempt): void {
  attempt.interrupt(TIMED_OUT);
}

/**
 * One attempt, as undici's dispatch handler: no response stream, no AbortController, no header
 * object. undici calls `onConnect` once the request is on a socket, then `onHeaders`, `onData`
 * and `onComplete`, or `onError` at any point (our own aborts included), and nothing after it.
 *
 * An interruption (the deadline, a caller abort) before `onConnect` is remembered and applied
 * when the request reaches a socket, as undici's own `signal` option does. The body is kept up to
 * `cap` bytes; once more than that has arrived the download is aborted (the socket is dropped),
 * while a body of exactly `cap` bytes is read to its end and keeps the keep-alive socket.
 */
class Attempt {
  statusCode: number | null = null;
  retryAfter: string | null = null;
  readonly parts: Uint8Array[] = [];
  /** The deadline or the caller's abort, whichever came first. */
  reason: Error | null = null;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  signal: AbortSignal | undefined = undefined;
  #kept = 0;
  #seen = 0;
  #abort: ((error?: Error) => void) | null = null;
  #done = false;
  readonly #cap: number;
  readonly #settle: (error: Error | null) => void;

  constructor(cap: number, settle: (error: Error | null) => void) {
    this.#cap = cap;
    this.#settle = settle;
  }

  /** The caller's signal fired (an `EventListener` object: no closure per attempt). */
  handleEvent(): void {
    this.interrupt(CANCELLED);
  }

  interrupt(reason: Error): void {
    if (this.#done || this.reason !== null) return;
    this.reason = reason;
    this.#abort?.(reason);
  }

  onConnect(abort: (error?: Error) => void): void {
    if (this.reason !== null) abort(this.reason);
    else this.#abort = abort;
  }

  onHeaders(statusCode: number, rawHeaders: unknown[] | null): boolean {
    // 1xx informational responses are skipped; the final response follows.
    if (statusCode < 200) return true;
    this.statusCode = statusCode;
    this.retryAfter = rawHeaders === null ? null : retryAfterOf(rawHeaders);
    return true;
  }

  onData(chunk: Uint8Array): boolean {
    if (this.#done) return true;
    const cap = this.#cap;
    this.#seen += chunk.byteLength;
    if (this.#kept < cap) {
      const room = cap - this.#kept;
      const piece = chunk.byteLength <= room ? chunk : chunk.subarray(0, room);
      this.parts.push(piece);
      this.#kept += piece.byteLength;
    }
    // More than the cap has arrived: the body is larger than we keep, so stop downloading.
    // (Exactly the cap may still be the whole body; the next event tells, and keeps the socket.)
    if (this.#seen > cap) {
      this.#finish(null);
      this.#abort?.();
    }
    return true;
  }

  onComplete(): void {
    this.#finish(null);
  }

  onError(error: Error): void {
    this.#finish(error);
  }

  #finish(error: Error | null): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this);
    this.#settle(error);
  }
}

/**
 * Sends webhook requests with undici over a keep-alive connection pool, with the HTTP rules of
 * docs/design.md §5.13 and the SSRF guard of §5.14:
 *
 * - `POST` with the profile's headers and the exact signed body; no `Accept-Encoding`.
 * - `timeoutMs` bounds the whole attempt: connect, headers and body.
 * - Redirects are not followed: a 3xx is an `HTTP_ERROR`.
 * - At most `maxResponseBytes` of the body are read; a larger body is aborted, not downloaded.
 * - Every address a host resolves to is checked at connect time; one internal address refuses
 *   the attempt (`BLOCKED_DESTINATION`) unless `allowPrivateNetworks` is set. IP literals in the
 *   URL are checked before anything is sent.
 *
 * Outcomes: any 2xx succeeds; another status is `HTTP_ERROR`; no answer in time is `TIMEOUT`;
 * DNS failure, refused or reset connections and caller aborts are `NETWORK_ERROR`. A response
 * that breaks off after its status line keeps `statusCode` (and the body read so far) and is a
 * `NETWORK_ERROR`, or `TIMEOUT` when the time ran out while reading it. `send` rejects only for a
 * malformed request (an unparseable or non-HTTP URL, a bad `timeoutMs`, a header undici forbids).
 *
 * @throws WebhookValidationError at construction: `invalid_option` with one issue at the option
 *   (issue code `invalid_type` for a wrong type or a non-integer count, `too_small` below its
 *   minimum; an unknown option is named with the nearest known one: `conections`, did you mean
 *   `connections`).
 * @example
 * ```ts
 * const transport = new HttpTransport({ maxResponseBytes: 4096 });
 * const result = await transport.send({
 *   url: 'https://partner.example/webhooks',
 *   body: '{"id":"evt_1"}',
 *   headers: { 'content-type': 'application/json' },
 *   timeoutMs: 10_000,
 * });
 * if (result.failureReason !== null) scheduleRetry(result.failureReason, result.retryAfter);
 * await transport.close();
 * ```
 */
export class HttpTransport implements Transport {
  readonly #allowPrivateNetworks: boolean;
  readonly #maxResponseBytes: number;
  readonly #connections: number;
  readonly #keepAliveTimeoutMs: number;
  /**
   * Connections per origin (the `connections` option): the sender keeps at most this many
   * attempts to one origin in flight, so none waits in the pool inside its timeout.
   */
  readonly connectionsPerOrigin: number;
  readonly #lookup: LookupFunction;
  /** This transport's parsed URLs: its own, so no other transport's traffic evicts or outlives them. */
  readonly #targets = new TargetCache();
  #agent: Agent | undefined;

  constructor(options: HttpTransportOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw invalidOption(
        'options',
        `HttpTransport: expected an options object, got ${describeValue(options)}.`,
        'invalid_type',
      );
    }
    assertKnownOptions(options, HTTP_TRANSPORT_OPTION_NAMES, 'HttpTransport');
    const allow = options.allowPrivateNetworks;
    if (allow !== undefined && typeof allow !== 'boolean') {
      throw invalidOption(
        'allowPrivateNetworks',
        `HttpTransport: \`allowPrivateNetworks\` must be a boolean, got ${describeValue(allow)}.`,
        'invalid_type',
      );
    }
    this.#allowPrivateNetworks = allow ?? false;
    this.#maxResponseBytes = integerOptionOr(
      'HttpTransport',
      'maxResponseBytes',
      options.maxResponseBytes,
      DEFAULT_MAX_RESPONSE_BYTES,
      { min: 0 },
    );
    this.#connections = integerOptionOr(
      'HttpTransport',
      'connections',
      options.connections,
      DEFAULT_CONNECTIONS,
    );
    this.connectionsPerOrigin = this.#connections;
    this.#keepAliveTimeoutMs = integerOptionOr(
      'HttpTransport',
      'keepAliveTimeoutMs',
      options.keepAliveTimeoutMs,
      DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
    );
    const lookup = options.lookup;
    if (lookup !== undefined && typeof lookup !== 'function') {
      throw invalidOption(
        'lookup',
        `HttpTransport: \`lookup\` must be a function (hostname) => Promise<{ address }[]>, got ${describeValue(lookup)}.`,
        'invalid_type',
      );
    }
    this.#lookup = guardedLookup(lookup ?? defaultLookup, this.#allowPrivateNetworks);
  }

  /** The pool, opened on first use (and again after `close()`, so a sender can restart). */
  #pool(): Agent {
    this.#agent ??= new Agent({
      connections: this.#connections,
      keepAliveTimeout: this.#keepAliveTimeoutMs,
      connect: { lookup: this.#lookup },
    });
    return this.#agent;
  }

  /**
   * Sends one request and reports the outcome; never rejects for what the network or the
   * receiver did.
   *
   * @param request - URL, exact body, headers, `timeoutMs` for the whole attempt, optional signal.
   * @returns Status, failure class, the first `maxResponseBytes` of the body as UTF-8, the
   *   `Retry-After` header, and the wall time in ms.
   * @throws WebhookValidationError `invalid_option` with one issue at `url` or `timeoutMs`: a
   *   missing one (`required`), a wrong type (`invalid_type`, also a NaN `timeoutMs`), an
   *   unparseable URL (`invalid_format`), a scheme other than http: or https: (`invalid_value`), a
   *   `timeoutMs` of 0 or less (`too_small`) or above 2^31 - 1 ms, the longest a timer holds
   *   (`too_big`); undici's `InvalidArgumentError` for a header it forbids (`Transfer-Encoding`, `Upgrade`, `Keep-Alive`, `Expect`).
   */
  async send(request: TransportRequest): Promise<TransportResult> {
    const startedAt = performance.now();
    const target = this.#targets.targetOf(request.url);
    const { timeoutMs } = request;
    checkTimeout(timeoutMs);
    if (!this.#allowPrivateNetworks && target.internalLiteral) {
      return outcome(startedAt, null, 'BLOCKED_DESTINATION', [], null);
    }
    return new Promise<TransportResult>((resolve, reject) => {
      const attempt: Attempt = new Attempt(this.#maxResponseBytes, (error) => {
        const { statusCode, parts, retryAfter } = attempt;
        if (error === null) {
          const ok = statusCode !== null && statusCode >= 200 && statusCode <= 299;
          resolve(outcome(startedAt, statusCode, ok ? null : 'HTTP_ERROR', parts, retryAfter));
          return;
        }
        // undici refusing the request itself (a header it forbids, such as Transfer-Encoding) is
        // a caller bug, not something the network did: surface it.
        const code = errorCode(error);
        if (code === 'UND_ERR_INVALID_ARG') {
          reject(error);
        } else if (isBlocked(error)) {
          resolve(outcome(startedAt, null, 'BLOCKED_DESTINATION', [], null));
        } else {
          const timedOut = attempt.reason === TIMED_OUT || UNDICI_TIMEOUT_CODES.has(String(code));
          const reason = timedOut ? 'TIMEOUT' : 'NETWORK_ERROR';
          resolve(outcome(startedAt, statusCode, reason, parts, retryAfter));
        }
      });
      let headers: Record<string, string>;
      let pool: Agent;
      try {
        headers = withoutAcceptEncoding(request.headers);
        pool = this.#pool();
      } catch (error) {
        attempt.onError(error as Error);
        return;
      }
      // One timer per attempt bounds the whole of it (connect, headers, body) and is cleared when
      // the attempt ends. Not AbortSignal.any/AbortSignal.timeout: combining a long-lived sender
      // signal with AbortSignal.any leaks on Node 20 (nodejs/node #55351), and
      // AbortSignal.timeout keeps a timer alive for the full timeout after success.
      attempt.timer = setTimeout(onDeadline, timeoutMs, attempt);
      const callerSignal = request.signal;
      if (callerSignal?.aborted === true) attempt.interrupt(CANCELLED);
      else if (callerSignal !== undefined) {
        attempt.signal = callerSignal;
        callerSignal.addEventListener('abort', attempt, { once: true });
      }
      // undici reports its own refusals (a forbidden header) through onError, not by throwing.
      pool.dispatch(
        {
          origin: target.origin,
          path: target.path,
          method: 'POST',
          headers,
          body: request.body,
          // undici's own timers as a second line; the attempt's timer bounds the total.
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          // undici 7 follows no redirect unless the redirect interceptor is installed, and this
          // pool has none: a 3xx comes back as it is (docs/design.md §5.13).
        },
        attempt,
      );
    });
  }

  /**
   * Closes the keep-alive pool once in-flight requests finish. A later `send` opens a new pool.
   */
  async close(): Promise<void> {
    const agent = this.#agent;
    this.#agent = undefined;
    await agent?.close();
  }
}

/**
 * A request's `timeoutMs`: a positive number up to `MAX_TIMER_MS`, by the positive-number rule. A
 * fraction is accepted, unlike the timer options read by the integer rule (`profile.timeoutMs`):
 * this is a duration handed over the port per request, not configuration (see `TIMER_OPTION_RANGE`).
 */
function checkTimeout(timeoutMs: unknown): void {
  const code =
    timeoutMs === undefined
      ? 'required'
      : positiveNumberIssueCode(timeoutMs, { max: MAX_TIMER_MS });
  if (code === undefined) return;
  throw invalidOption(
    'timeoutMs',
    `HttpTransport.send: \`timeoutMs\` must be a positive number of at most ${MAX_TIMER_MS}, got ${describeNumberOption(timeoutMs)}.`,
    code,
  );
}

function outcome(
  startedAt: number,
  statusCode: number | null,
  failureReason: DeliveryFailureReason | null,
  body: readonly Uint8Array[],
  retryAfter: string | null,
): TransportResult {
  return {
    statusCode,
    failureReason,
    responseBody: decode(body),
    retryAfter,
    durationMs: performance.now() - startedAt,
  };
}
