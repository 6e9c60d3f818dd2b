// The receiver's default logging (docs/design.md §5.23): failures that need attention go to stderr
// as one JSON line each (console.error in the /web build), never with a secret, a signature, a
// token or a body; rejected requests are `info`, which the default logger does not print;
// `logger: 'silent'` prints nothing; a custom logger receives the same fields.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createSampleEudrEvent,
  createSampleEvent,
} from '../../../src/core/catalog/sample-events.js';
import type { Logger } from '../../../src/logging/logger.js';
import { EudrWebhookReceiver as NodeEudrReceiver } from '../../../src/receiver/eudr-webhook-receiver.node.js';
import { EudrWebhookReceiver as WebEudrReceiver } from '../../../src/receiver/eudr-webhook-receiver.web.js';
import { MemoryDedupeStore } from '../../../src/receiver/memory-dedupe-store.js';
import type { DedupeStore } from '../../../src/receiver/ports/dedupe-store.js';
import type { Inbox, InboxEntry } from '../../../src/receiver/ports/inbox.js';
import type { ReceiverRequest } from '../../../src/receiver/receiver-request.js';
import type { WebhookReceiverOptions } from '../../../src/receiver/webhook-receiver.js';
import { WebhookReceiver as NodeReceiver } from '../../../src/receiver/webhook-receiver.node.js';
import { WebhookReceiver as WebReceiver } from '../../../src/receiver/webhook-receiver.web.js';
import { signEudrPayload } from '../../../src/signature/sign-eudr-payload.node.js';
import { signNovatradePayload } from '../../../src/signature/sign-novatrade-payload.node.js';
import { assertNoLeak, plantedNovatradeBody } from '../../helpers/canary.js';
import { captureStderr, recordingLogger } from '../../helpers/log-capture.js';

const SECRET = 'whsec_receiver_logging_test';
const T = 1_790_000_000;
const now = () => T * 1000;

afterEach(() => {
  vi.restoreAllMocks();
});

function signed(body: string, secret = SECRET): ReceiverRequest {
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-novatrade-signature': signNovatradePayload(body, secret, { timestamp: T }),
    },
    body,
  };
}

let counter = 0;
function eventBody(): string {
  counter += 1;
  return JSON.stringify(
    createSampleEvent('compliance.decision_made', { id: `evt_log_${counter}` }),
  );
}

const SAMPLE_ID = createSampleEvent('compliance.decision_made').id;

const failing = (message: string) => () => Promise.reject(new Error(message));

describe('WebhookReceiver (node:crypto), default logger', () => {
  const receiver = (options: Partial<WebhookReceiverOptions> = {}) =>
    new NodeReceiver({ secret: SECRET, now, ...options });

  it('a handler that throws: 500 and one JSON error line on stderr naming the stage, not the body', async () => {
    const body = eventBody();
    const r = receiver().on('compliance.decision_made', () => {
      throw new Error('database down');
    });
    const stop = captureStderr();
    const response = await r.handle(signed(body));
    const lines = stop();
    expect(response.status).toBe(500);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    const line = JSON.parse(lines[0] as string);
    expect(line).toEqual({
      level: 'error',
      time: expect.any(String),
      name: '@novatrade24/webhooks',
      msg: 'a webhook handler failed; answered 500 handler_failed, the sender retries',
      stage: 'handler',
      status: 500,
      code: 'handler_failed',
      eventId: JSON.parse(body).id,
      eventType: 'compliance.decision_made',
      error: { name: 'Error', message: 'database down' },
    });
    expect(lines[0]).not.toContain(SECRET);
    expect(lines[0]).not.toContain(JSON.parse(body).data.orderUuid);
  });

  it('never prints a canary planted in the body, whether the request fails to parse or its handler throws', async () => {
    const statuses = new Set<number>();
    const r = receiver()
      .on('compliance.decision_made', () => {
        throw new Error('handler failed');
      })
      .onAny(() => {
        throw new Error('handler failed');
      });
    await fc.assert(
      fc.asyncProperty(
        // The event id is logged on purpose (an id, the correlation key): plant elsewhere.
        plantedNovatradeBody.filter((planted) => planted.where !== 'id'),
        async (planted) => {
          // The sample id is `evt_` and zeros, which a numeric canary such as 1000000000 shares 8
          // characters with: give the logged id no digit run.
          const json = planted.json.replace(`"id":"${SAMPLE_ID}"`, '"id":"evt_canary_probe"');
          const stop = captureStderr();
          const response = await r.handle(signed(json));
          const lines = stop();
          statuses.add(response.status);
          assertNoLeak(planted, lines, 'a stderr line');
          if (response.status === 500) {
            expect(lines).toHaveLength(1);
            expect(JSON.parse(lines[0] as string)).toMatchObject({ stage: 'handler' });
          } else {
            expect(lines).toEqual([]); // 200 or a 400 rejection (info: not printed)
          }
        },
      ),
      { numRuns: 150 },
    );
    expect([...statuses].sort()).toEqual([400, 500]); // both paths were exercised
  });

  it('rejected requests print nothing by default (401, 405, 413, 415)', async () => {
    const r = receiver({ maxBodyBytes: 10_000 });
    const stop = captureStderr();
    const answers = [
      await r.handle(signed(eventBody(), 'whsec_wrong')),
      await r.handle({ ...signed(eventBody()), method: 'GET' }),
      await r.handle(signed(JSON.stringify({ pad: 'x'.repeat(20_000) }))),
      await r.handle({ ...signed(eventBody()), headers: { 'content-type': 'text/plain' } }),
    ];
    expect(answers.map((a) => a.status)).toEqual([401, 405, 413, 415]);
    expect(stop()).toEqual([]);
  });

  it("logger: 'silent' prints nothing, and onError listeners are still told", async () => {
    const told: string[] = [];
    const r = receiver({ logger: 'silent' })
      .on('compliance.decision_made', () => {
        throw new Error('database down');
      })
      .onError((_error, { stage }) => told.push(stage));
    const stop = captureStderr();
    expect((await r.handle(signed(eventBody()))).status).toBe(500);
    expect(stop()).toEqual([]);
    expect(told).toEqual(['handler']);
  });

  it('a dedupe store that fails: 503 and one error line naming the call, without the token', async () => {
    const store: DedupeStore = {
      reserve: failing('redis: connection refused'),
      complete: async () => true,
      release: async () => {},
    };
    const r = receiver({ dedupe: store });
    const stop = captureStderr();
    expect((await r.handle(signed(eventBody()))).status).toBe(503);
    const lines = stop().map((line) => JSON.parse(line));
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'error',
        stage: 'dedupe',
        status: 503,
        code: 'dedupe_unavailable',
        call: 'DedupeStore.reserve',
        error: { name: 'Error', message: 'redis: connection refused' },
      }),
    ]);
  });

  it('a failed complete after the handlers: 200 and one warn line; the token is not in it', async () => {
    const memory = new MemoryDedupeStore({ now, token: () => 'token-canary-3f9a8b7c6d' });
    const store: DedupeStore = {
      reserve: (key, ttl) => memory.reserve(key, ttl),
      complete: failing('timeout'),
      release: (key, token) => memory.release(key, token),
    };
    const r = receiver({ dedupe: store }).on('compliance.decision_made', () => {});
    const stop = captureStderr();
    expect((await r.handle(signed(eventBody()))).status).toBe(200);
    const lines = stop();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: 'warn',
      stage: 'dedupe',
      status: 200,
      call: 'DedupeStore.complete',
    });
    expect(lines[0]).not.toContain('token-canary');
  });

  it('async mode: a failing handler and a failing inbox are logged; the answer was already 202', async () => {
    const entries = new Map<string, InboxEntry>();
    const inbox: Inbox = {
      add: async (entry) => {
        entries.set(entry.key, entry);
      },
      claim: async (_limit, { key }) => {
        const entry = key === undefined ? undefined : entries.get(key);
        return entry === undefined ? [] : [{ entry, token: 'lease-token' }];
      },
      complete: async () => true,
      fail: failing('inbox table is read-only'),
      pending: async () => [],
    };
    const r = receiver({ ackMode: 'async', inbox }).on('compliance.decision_made', () => {
      throw new TypeError("Cannot read properties of undefined (reading 'x')");
    });
    const stop = captureStderr();
    expect((await r.handle(signed(eventBody()))).status).toBe(202);
    await r.idle();
    const lines = stop().map((line) => JSON.parse(line));
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'error',
        stage: 'handler',
        status: null,
        error: { name: 'TypeError', message: "Cannot read properties of undefined (reading 'x')" },
      }),
      expect.objectContaining({ level: 'warn', stage: 'inbox', call: 'Inbox.fail' }),
    ]);
  });

  it('a parsed body instead of the raw one is an error line: the fix must be seen', async () => {
    const stop = captureStderr();
    const response = await receiver().handle({
      ...signed(eventBody()),
      body: JSON.parse(eventBody()) as never,
    });
    const lines = stop().map((line) => JSON.parse(line));
    expect(response.status).toBe(500);
    expect(lines).toEqual([
      expect.objectContaining({ level: 'error', stage: 'request', code: 'invalid_payload_type' }),
    ]);
  });

  it('a now() in Unix seconds: 500, and the error line says so instead of blaming NTP', async () => {
    const r = receiver({ now: () => T });
    const stop = captureStderr();
    expect((await r.handle(signed(eventBody()))).status).toBe(500);
    const lines = stop().map((line) => JSON.parse(line));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'error', stage: 'request', code: 'internal_error' });
    expect(lines[0].error.message).toContain(
      `\`now\` returned ${T}, which looks like seconds; pass epoch milliseconds (Date.now())`,
    );
  });
});

describe('WebhookReceiver (WebCrypto) writes its lines with console.error', () => {
  it('one line per failure, nothing on process.stderr', async () => {
    const lines: unknown[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => {
      lines.push(line);
    });
    const r = new WebReceiver({ secret: SECRET, now }).on('compliance.decision_made', () => {
      throw new Error('database down');
    });
    const stop = captureStderr();
    expect((await r.handle(signed(eventBody()))).status).toBe(500);
    expect(stop()).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(String(lines[0]))).toMatchObject({ level: 'error', stage: 'handler' });
  });
});

describe.each([
  ['node:crypto', NodeEudrReceiver],
  ['WebCrypto', WebEudrReceiver],
])('EudrWebhookReceiver (%s) with a custom logger', (_name, Receiver) => {
  it('gets the catalog type but no id (the EUDR key may be a body value)', async () => {
    const logger = recordingLogger();
    const r = new Receiver({ secret: SECRET, logger }).on('supplier.created', () => {
      throw new Error('crm down');
    });
    const body = JSON.stringify(createSampleEudrEvent('supplier.created'));
    const response = await r.handle({
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-webhook-signature': signEudrPayload(body, SECRET),
      },
      body,
    });
    expect(response.status).toBe(500);
    expect(logger.calls).toEqual([
      {
        level: 'error',
        message: 'a webhook handler failed; answered 500 handler_failed, the sender retries',
        fields: {
          stage: 'handler',
          status: 500,
          code: 'handler_failed',
          eventType: 'supplier.created',
          error: { name: 'Error', message: 'crm down' },
        },
      },
    ]);
  });
});

describe('WebhookReceiver with a custom logger', () => {
  it('rejections are info with the stage and the code; an unknown type is not logged', async () => {
    const logger = recordingLogger();
    const r = new NodeReceiver({ secret: SECRET, now, logger }).onAny(() => {
      throw new Error('x');
    });
    await r.handle(signed(eventBody(), 'whsec_wrong'));
    await r.handle({ ...signed(eventBody()), method: 'PUT' });
    const unknownType = JSON.stringify({
      ...createSampleEvent('compliance.decision_made'),
      type: 'compliance.future_thing',
    });
    await r.handle(signed(unknownType));
    expect(logger.calls.map(({ level, fields }) => [level, fields.stage, fields.code])).toEqual([
      ['info', 'verify', 'signature_mismatch'],
      ['info', 'request', 'method_not_allowed'],
      ['error', 'handler', 'handler_failed'],
    ]);
    expect(logger.calls[2]?.fields).not.toHaveProperty('eventType');
    expect(JSON.stringify(logger.calls)).not.toContain('future_thing');
  });

  it('a logger that throws changes no answer', async () => {
    const broken: Logger = {
      debug() {},
      info() {
        throw new Error('logger down');
      },
      warn() {},
      error() {
        throw new Error('logger down');
      },
    };
    const r = new NodeReceiver({ secret: SECRET, now, logger: broken }).on(
      'compliance.decision_made',
      () => {
        throw new Error('handler');
      },
    );
    expect((await r.handle(signed(eventBody()))).status).toBe(500);
    expect((await r.handle(signed(eventBody(), 'whsec_wrong'))).status).toBe(401);
  });

  it('refuses a logger that is not one', () => {
    expect(() => new NodeReceiver({ secret: SECRET, logger: 'quiet' as never })).toThrow(
      /`logger` must be 'silent' or a Logger/,
    );
  });
});
