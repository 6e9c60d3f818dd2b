// An EUDR management API over an in-memory EUDR sender, for the API's behaviour and property
// tests: a MemoryStorage, a fake clock (the sender's and the rate limiter's), a recording
// transport, and two organizations with one `eudr_live_…` token each. `call` builds the Request
// and answers the Response.
import { EUDR_PROFILE } from '../../../src/core/profiles/eudr-profile.js';
import { MemoryStorage } from '../../../src/sender/memory-storage.js';
import type { SenderStorage } from '../../../src/sender/ports/sender-storage.js';
import { WebhookSender, type WebhookSenderOptions } from '../../../src/sender/webhook-sender.js';
import {
  apiKeyAuthenticator,
  createEudrManagementApi,
  type EudrManagementApi,
  type EudrManagementApiOptions,
} from '../../../src/server/index.js';
import { createFakeClock, type FakeClock } from '../../../src/testing/create-fake-clock.js';
import {
  createRecordingTransport,
  type RecordingTransport,
} from '../../../src/testing/create-recording-transport.js';
import { createCheckedFetch } from '../../helpers/openapi-response-validator.js';

/** The two organizations and their N'entropy-style tokens (`eudr_live_` + 48 hex). */
export const ORG_A = '3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03';
export const ORG_B = '9b2d4f6a-1c3e-4a5b-8d7f-0e1a2b3c4d5e';
export const TOKEN_A = `eudr_live_${'a1'.repeat(24)}`;
export const TOKEN_B = `eudr_live_${'b2'.repeat(24)}`;

/** The registration path. */
export const WEBHOOKS = '/api/v1/integration/webhook-events';

/** N'entropy's example body (docs/design.md §6.10), verbatim. */
export const SPEC_BODY = {
  url: 'https://your-server.com/webhooks/eudr',
  events: ['supplier.created', 'supplier.updated', 'sync.completed'],
} as const;

/** Where the fake clock starts: the start of a minute (2026-01-01T00:00:00Z). */
export const START_MS = Date.UTC(2026, 0, 1);

/** What {@link EudrHarness.call} sends. */
export interface CallOptions {
  /** A string or bytes go as they are; anything else as JSON. */
  readonly body?: unknown;
  /** Extra headers; `null` removes a default one (`content-type`, `authorization`). */
  readonly headers?: Readonly<Record<string, string | null>>;
  /** An Idempotency-Key to send; none unless given (it is optional here). */
  readonly key?: string;
  /** Whose token: `'A'` (default), `'B'`, or `null` for no Authorization header. */
  readonly org?: 'A' | 'B' | null;
}

/** A sender, its EUDR API and the controls over them. */
export interface EudrHarness {
  readonly api: EudrManagementApi;
  readonly sender: WebhookSender<unknown>;
  readonly clock: FakeClock;
  readonly transport: RecordingTransport;
  readonly call: (method: string, path: string, options?: CallOptions) => Promise<Response>;
}

/** Options of {@link createEudrHarness}. */
export interface EudrHarnessOptions {
  /**
   * Options for the API. Test defaults: both tokens as `authenticate`, the fake clock as `now`,
   * `logger: 'silent'` and `rateLimit: false` (pass `rateLimit: {}` for the EUDR limits).
   */
  readonly api?: Partial<EudrManagementApiOptions>;
  /** The sender's storage. @default new MemoryStorage() */
  readonly storage?: SenderStorage;
  /** Other sender options. @default allowInsecureUrls: true */
  readonly sender?: Partial<WebhookSenderOptions<unknown>>;
}

/** Builds an EUDR sender and its management API. */
export function createEudrHarness(options: EudrHarnessOptions = {}): EudrHarness {
  const clock = createFakeClock({ nowMs: START_MS });
  const transport = createRecordingTransport();
  const sender = new WebhookSender<unknown>({
    profile: EUDR_PROFILE,
    storage: options.storage ?? new MemoryStorage(),
    transport,
    clock,
    logger: 'silent',
    allowInsecureUrls: true,
    ...options.sender,
  } as WebhookSenderOptions<unknown>);
  const api = createEudrManagementApi(sender, {
    authenticate: apiKeyAuthenticator([
      { token: TOKEN_A, organizationUuid: ORG_A },
      { token: TOKEN_B, organizationUuid: ORG_B },
    ]),
    now: clock.now,
    logger: 'silent',
    rateLimit: false,
    ...options.api,
  });
  // Every answer to a documented operation is checked against the API's own OpenAPI document;
  // N'entropy's `{ error, message }` bodies are not problems, so other answers are the tests'.
  const checkedFetch = createCheckedFetch(api, { problemsOutsideOperations: false });
  const call = (method: string, path: string, callOptions: CallOptions = {}) =>
    checkedFetch(buildRequest(method, path, callOptions));
  return { api, sender, clock, transport, call };
}

/** The Request that {@link EudrHarness.call} sends. */
export function buildRequest(method: string, path: string, options: CallOptions = {}): Request {
  const { body, org = 'A' } = options;
  const headers = new Headers();
  if (org !== null) headers.set('authorization', `Bearer ${org === 'A' ? TOKEN_A : TOKEN_B}`);
  if (options.key !== undefined) headers.set('idempotency-key', options.key);
  let payload: string | undefined;
  if (body !== undefined) {
    headers.set('content-type', 'application/json');
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === null) headers.delete(name);
    else headers.set(name, value);
  }
  return new Request(`http://api.test${path}`, {
    method,
    headers,
    ...(payload === undefined ? {} : { body: payload }),
  });
}

/** The JSON body of `response`. */
export async function jsonOf(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

/** Registers an endpoint in `org` through the API and returns its id and secret. */
export async function register(
  harness: EudrHarness,
  org: 'A' | 'B' = 'A',
  body: unknown = SPEC_BODY,
): Promise<{ id: string; secret: string }> {
  const response = await harness.call('POST', WEBHOOKS, { body, org });
  if (response.status !== 201) throw new Error(`register answered ${response.status}`);
  const created = await jsonOf(response);
  return { id: String(created.id), secret: String(created.secret) };
}
