// Forwarding one accepted webhook request to a `--forward-to` target, unchanged: the same raw
// body bytes and the same headers (the signature and event headers included), so the target
// verifies it with the same secret as if the sender had called it. Only the headers that belong to
// one connection (RFC 9110 §7.6.1) and the length (set again for the same bytes) are left out.
// Redirects are not followed (a 3xx is the target's answer), and each forward has a deadline.
// node:http rather than fetch: fetch refuses some ports outright (6000, 6665-6669, …), which a
// local handler may well use.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { HeadersInput, HeadersRecord } from '../../receiver/headers.js';

/**
 * A target's deadline, ms: one second under the sender's own 10-second request timeout, so that
 * `listen` can still answer the sender (502) before the sender gives up on it.
 */
export const FORWARD_TIMEOUT_MS = 9_000;

/** Headers that describe the connection, not the message, or that the client sets itself. */
const NOT_FORWARDED = new Set([
  'connection',
  'content-length',
  'expect',
  'host',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** What a target answered, or why it did not. */
export type ForwardResult =
  | { readonly url: string; readonly status: number; readonly durationMs: number }
  | { readonly url: string; readonly error: string; readonly durationMs: number };

/** The headers to send to a target: every header of the request but {@link NOT_FORWARDED}. */
export function forwardedHeaders(headers: HeadersInput): [string, string][] {
  const entries: [string, string][] = [];
  const add = (name: string, value: string): void => {
    const lower = name.toLowerCase();
    if (lower.startsWith(':') || NOT_FORWARDED.has(lower)) return;
    entries.push([lower, value]);
  };
  const iterable = headers as { forEach?: unknown; get?: unknown };
  if (typeof iterable.forEach === 'function') {
    (headers as Headers).forEach((value, name) => {
      add(name, value);
    });
  } else if (typeof iterable.get !== 'function') {
    for (const [name, value] of Object.entries(headers as HeadersRecord)) {
      if (typeof value === 'string') add(name, value);
      else if (typeof value === 'number') add(name, String(value));
      else if (Array.isArray(value)) add(name, value.join(', '));
    }
  }
  // A bare `get` cannot be listed: nothing to copy (node:http, listen's server, gives a record).
  return entries;
}

/** Why a request failed, in a short line (`connect ECONNREFUSED 127.0.0.1:3000`). */
function describeFailure(error: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `no answer within ${timeoutMs / 1000} s`;
  if (!(error instanceof Error)) return 'the request failed';
  if (error.name === 'AbortError') return 'cancelled: listen is stopping';
  return error.message.slice(0, 200) || error.name;
}

/** Options of {@link forwardRequest}. */
export interface ForwardOptions {
  /** @default FORWARD_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /** Aborts the forward (listen is stopping). */
  readonly signal?: AbortSignal;
}

/**
 * POSTs `body` with the request's headers to `url` (node:http or node:https, a fresh connection
 * each time) and reports the answer's status, or the failure. Never rejects.
 */
export function forwardRequest(
  url: string,
  request: { readonly headers: HeadersInput; readonly body: string | Uint8Array },
  options: ForwardOptions = {},
): Promise<ForwardResult> {
  const timeoutMs = options.timeoutMs ?? FORWARD_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal =
    options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
  const startedAt = performance.now();
  const elapsed = (): number => Math.round(performance.now() - startedAt);
  const body = typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
  const headers: Record<string, string> = {};
  for (const [name, value] of forwardedHeaders(request.headers)) headers[name] = value;
  headers['content-length'] = String(body.byteLength);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: ForwardResult): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const fail = (error: unknown): void =>
      settle({
        url,
        error: describeFailure(error, timeout.aborted, timeoutMs),
        durationMs: elapsed(),
      });
    try {
      const send = url.startsWith('https:') ? httpsRequest : httpRequest;
      const outgoing = send(url, { method: 'POST', headers, signal, agent: false }, (response) => {
        // The answer's body is not shown (its status is what a sender acts on): drained, dropped.
        response.resume();
        response.on('error', () => undefined);
        settle({ url, status: response.statusCode ?? 0, durationMs: elapsed() });
      });
      outgoing.on('error', fail);
      outgoing.end(body);
    } catch (error) {
      fail(error);
    }
  });
}
