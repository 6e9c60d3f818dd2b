// A management API over an in-memory sender, for the API's behaviour tests: a MemoryStorage, a
// fake clock (the sender's and the rate limiter's), a recording transport, and two organizations
// with one API key each. `call` builds the Request and answers the Response, after checking it
// against the API's own OpenAPI document (status, body schema, headers, problem invariants), so
// every answer of these tests is also a check that the document describes the code.

import { MemoryStorage } from '../../src/sender/memory-storage.js';
import type { SenderStorage } from '../../src/sender/ports/sender-storage.js';
import { WebhookSender } from '../../src/sender/webhook-sender.js';
import {
  apiKeyAuthenticator,
  createManagementApi,
  type ManagementApi,
  type ManagementApiOptions,
} from '../../src/server/index.js';
import { createFakeClock, type FakeClock } from '../../src/testing/create-fake-clock.js';
import {
  createRecordingTransport,
  type RecordingTransport,
} from '../../src/testing/create-recording-transport.js';
import { createCheckedFetch } from './openapi-response-validator.js';

/** The two organizations and their API keys. */
export const ORG_A = '3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03';
export const ORG_B = '9b2d4f6a-1c3e-4a5b-8d7f-0e1a2b3c4d5e';
export const TOKEN_A = 'tok_a_0123456789abcdef';
export const TOKEN_B = 'tok_b_0123456789abcdef';

/** A valid create body. */
export const CREATE_BODY = { url: 'https://partner.example/hook', events: ['kyc.*'] } as const;

/** Where the fake clock starts: the start of a minute (2026-01-01T00:00:00Z). */
export const START_MS = Date.UTC(2026, 0, 1);

/** What {@link ApiHarness.call} sends. */
export interface CallOptions {
  /** A string, bytes or a stream go as they are; anything else as JSON. */
  readonly body?: unknown;
  /** Extra headers; `null` removes a default one (`content-type`, `authorization`). */
  readonly headers?: Readonly<Record<string, string | null>>;
  /** The Idempotency-Key of a write: a fresh one unless given; `null` sends none. */
  readonly key?: string | null;
  /** Whose API key: `'A'` (default), `'B'`, or `null` for no Authorization header. */
  readonly org?: 'A' | 'B' | null;
}

/** A sender, its API and the controls over them. */
export interface ApiHarness {
  readonly api: ManagementApi;
  readonly sender: WebhookSender<unknown>;
  readonly clock: FakeClock;
  readonly transport: RecordingTransport;
  readonly call: (method: string, path: string, options?: CallOptions) => Promise<Response>;
}

/** Options of {@link createApiHarness}. */
export interface HarnessOptions {
  /**
   * Options for the API. Test defaults: both keys as `authenticate`, the fake clock as `now`,
   * `logger: 'silent'` and `rateLimit: false` (pass `rateLimit: {}` for the published limits).
   */
  readonly api?: Partial<ManagementApiOptions>;
  /** The sender's storage. @default new MemoryStorage() */
  readonly storage?: SenderStorage;
  /** A clock to share (two APIs over one budget). @default a new fake clock at START_MS */
  readonly clock?: FakeClock;
}

let keyCounter = 0;

/** Builds a sender and its management API. */
export function createApiHarness(options: HarnessOptions = {}): ApiHarness {
  const clock = options.clock ?? createFakeClock({ nowMs: START_MS });
  const transport = createRecordingTransport();
  const sender = new WebhookSender<unknown>({
    storage: options.storage ?? new MemoryStorage(),
    transport,
    clock,
    logger: 'silent',
    allowInsecureUrls: true,
  });
  const api = createManagementApi(sender, {
    authenticate: apiKeyAuthenticator([
      { token: TOKEN_A, organizationUuid: ORG_A },
      { token: TOKEN_B, organizationUuid: ORG_B },
    ]),
    now: clock.now,
    logger: 'silent',
    rateLimit: false,
    ...options.api,
  });
  const checkedFetch = createCheckedFetch(api, { problemsOutsideOperations: true });
  const call = (method: string, path: string, callOptions: CallOptions = {}) =>
    checkedFetch(buildRequest(method, path, callOptions));
  return { api, sender, clock, transport, call };
}

/** The Request that {@link ApiHarness.call} sends. */
export function buildRequest(method: string, path: string, options: CallOptions = {}): Request {
  const { body, org = 'A' } = options;
  const headers = new Headers();
  if (org !== null) headers.set('authorization', `Bearer ${org === 'A' ? TOKEN_A : TOKEN_B}`);
  const write = !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
  if (write && options.key !== null) {
    keyCounter += 1;
    headers.set('idempotency-key', options.key ?? `key-${keyCounter}`);
  }
  let init: RequestInit & { duplex?: 'half' } = {};
  if (body !== undefined) {
    headers.set('content-type', 'application/json');
    if (body instanceof ReadableStream) init = { body, duplex: 'half' };
    else if (typeof body === 'string') init = { body };
    else if (body instanceof Uint8Array) init = { body: new Uint8Array(body) };
    else init = { body: JSON.stringify(body) };
  }
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === null) headers.delete(name);
    else headers.set(name, value);
  }
  return new Request(`http://api.test${path}`, { ...init, method, headers });
}

/** The names of `response`'s headers, lowercase. */
export function headerNamesOf(response: Response): string[] {
  const names: string[] = [];
  response.headers.forEach((_value, name) => {
    names.push(name);
  });
  return names;
}

/** The JSON body of `response` (a problem or a resource). */
export async function jsonOf(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

/** Creates an endpoint in `org` and returns its id and secret. */
export async function createEndpoint(
  harness: ApiHarness,
  org: 'A' | 'B' = 'A',
  body: unknown = CREATE_BODY,
): Promise<{ id: string; secret: string }> {
  const response = await harness.call('POST', '/v1/webhooks', { body, org });
  if (response.status !== 201) throw new Error(`create answered ${response.status}`);
  const created = await jsonOf(response);
  return { id: String(created.id), secret: String(created.secret) };
}
