// The receiver pipeline with a test codec: how errors thrown while verifying and parsing are
// answered (by code, whichever copy of the package threw them), how a lapsed processing lease is
// reported, and that routes match exactly as the subscription module does (docs/design.md §5.5).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  WebhookStorageError,
  WebhooksError,
  WebhookValidationError,
  WebhookVerificationError,
} from '../../../src/core/errors.js';
import { matchesSubscription } from '../../../src/core/subscription/matches-subscription.js';
import { parseSubscriptionPattern } from '../../../src/core/subscription/parse-subscription-pattern.js';
import type { LogFields, Logger, LogLevel } from '../../../src/logging/logger.js';
import {
  type ReceiverCodec,
  ReceiverEngine,
} from '../../../src/receiver/internal/receiver-engine.js';
import type { DedupeStore } from '../../../src/receiver/ports/dedupe-store.js';
import type {
  ErrorListener,
  Handler,
  ReceiverBaseOptions,
  ReceiverErrorContext,
} from '../../../src/receiver/receiver-options.js';

interface TestEvent {
  readonly id: string;
  readonly type: string;
}

const CATALOG = Object.freeze(['kyc.a', 'kyc.b', 'compliance.x', 'webhook.y']);

/** A receiver whose codec parses `{ id, type }` JSON, or throws what `failWith` returns. */
class TestReceiver extends ReceiverEngine<TestEvent> {
  constructor(
    options: ReceiverBaseOptions,
    failWith?: () => unknown,
    logger: Logger | 'silent' = 'silent',
  ) {
    const codec: ReceiverCodec<TestEvent> = {
      owner: 'TestReceiver',
      construct: (body) => {
        if (failWith !== undefined) throw failWith();
        return JSON.parse(String(body)) as TestEvent;
      },
      dedupeKey: (event) => event.id,
      typeOf: (event) => event.type,
      // Every type reaches the routes here, so any type string exercises the matcher.
      isKnown: () => true,
      isIgnored: () => false,
      partnerOf: () => null,
      eventTypes: CATALOG,
      idOf: (event) => event.id,
    };
    super({ ...options, logger }, codec, { debug() {}, info() {}, warn() {}, error() {} });
  }

  on(pattern: string, handler: Handler<TestEvent>): this {
    this.addRoute(pattern, handler, undefined, 'on');
    return this;
  }
}

let counter = 0;
function post(type = 'kyc.a') {
  counter += 1;
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: `evt_${counter}`, type }),
  };
}

/** An error as another loaded copy of this package (the CJS build beside the ESM one) makes it. */
function foreignError(name: string, code: string, issues?: unknown): Error {
  const error = new Error('from another copy');
  error.name = name;
  Object.defineProperty(error, Symbol.for('@novatrade24/webhooks.error'), { value: true });
  Object.assign(error, { code }, issues === undefined ? {} : { issues });
  return error;
}

async function answer(thrown: unknown): Promise<{ status: number; code: string }> {
  const response = await new TestReceiver({ dedupe: false }, () => thrown).handle(post());
  return { status: response.status, code: JSON.parse(response.body).code };
}

describe('ReceiverEngine: errors thrown by verify and parse are answered by their code', () => {
  it('a WebhookVerificationError whose name was changed -> 401 with its code', async () => {
    const error = new WebhookVerificationError('signature_mismatch', 'no match');
    error.name = 'Error';
    expect(await answer(error)).toEqual({ status: 401, code: 'signature_mismatch' });
  });

  it('a verification error of another copy of the package (not instanceof) -> 401', async () => {
    const error = foreignError('WebhookVerificationError', 'timestamp_too_old');
    expect(error).not.toBeInstanceOf(WebhooksError);
    expect(await answer(error)).toEqual({ status: 401, code: 'timestamp_too_old' });
  });

  it('a validation error of another copy -> 400 naming its issue paths', async () => {
    const error = foreignError('WebhookValidationError', 'invalid_event', [
      { path: 'data.orderUuid', code: 'invalid_type', message: 'expected string' },
    ]);
    const response = await new TestReceiver({ dedupe: false }, () => error).handle(post());
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({
      code: 'invalid_event',
      detail: 'The event is not valid. data.orderUuid: expected string.',
    });
  });

  it.each([
    ['invalid_option', new WebhookValidationError('invalid_option', 'bad clock')],
    ['a storage code', new WebhookStorageError('storage_unavailable', 'down')],
    ['a branded object with an unknown code', foreignError('WebhooksError', 'future_code')],
    ['a plain Error', new Error('boom')],
  ])('%s from construct -> 500 internal_error (the receiver failed, not the sender)', async (_label, error) => {
    expect(await answer(error)).toEqual({ status: 500, code: 'internal_error' });
  });
});

describe('ReceiverEngine: a processing lease that lapsed before the handlers finished', () => {
  it('is reported as WebhookStorageError lease_lapsed (stage dedupe), logged at warn; the answer stays 200', async () => {
    const store: DedupeStore = {
      reserve: async () => ({ status: 'reserved', token: 'tok' }),
      complete: async () => false, // the lease lapsed: another attempt may hold the key now
      release: async () => undefined,
    };
    const lines: { level: LogLevel; fields: LogFields; message: string }[] = [];
    const logger: Logger = {
      debug: (fields, message) => void lines.push({ level: 'debug', fields, message }),
      info: (fields, message) => void lines.push({ level: 'info', fields, message }),
      warn: (fields, message) => void lines.push({ level: 'warn', fields, message }),
      error: (fields, message) => void lines.push({ level: 'error', fields, message }),
    };
    const told: [unknown, ReceiverErrorContext<TestEvent>][] = [];
    const listener: ErrorListener<TestEvent> = (error, context) => void told.push([error, context]);
    const receiver = new TestReceiver({ dedupe: store }, undefined, logger).onError(listener);

    const response = await receiver.handle(post());

    expect(response.status).toBe(200);
    expect(told).toHaveLength(1);
    const [error, context] = told[0] as [unknown, ReceiverErrorContext<TestEvent>];
    expect(error).toBeInstanceOf(WebhookStorageError);
    expect(error).toMatchObject({ code: 'lease_lapsed' });
    expect((error as Error).message).toContain('processingLeaseMs');
    expect(context).toMatchObject({ stage: 'dedupe', status: 200 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'warn',
      fields: {
        stage: 'dedupe',
        call: 'DedupeStore.complete',
        error: { name: 'WebhookStorageError', code: 'lease_lapsed' },
      },
    });
  });
});

describe('ReceiverEngine: route matching is the subscription module rule', () => {
  const patterns = fc.constantFrom(
    ...CATALOG,
    ...[...new Set(CATALOG.map((t) => t.slice(0, t.indexOf('.'))))].map((s) => `${s}.*`),
  );
  // Catalog types, near misses ('kyc.', 'kyc', 'kycx.a', '.a', 'kyc.a.b') and random strings.
  const types = fc.oneof(
    fc.constantFrom(...CATALOG, 'kyc.', 'kyc', 'kycx.a', '.a', 'kyc.a.b', 'KYC.a', 'compliance.'),
    fc.string({ unit: fc.constantFrom('k', 'y', 'c', '.', 'a', 'b'), maxLength: 8 }),
  );

  it("'kyc.*' does not take the type 'kyc.' (nothing after the dot)", async () => {
    let ran = false;
    const receiver = new TestReceiver({ dedupe: false }).on('kyc.*', () => {
      ran = true;
    });
    expect((await receiver.handle(post('kyc.'))).status).toBe(200);
    expect(ran).toBe(false);
    expect(
      matchesSubscription(parseSubscriptionPattern('kyc.*', { eventTypes: CATALOG }), 'kyc.'),
    ).toBe(false);
  });

  it('property: a handler registered with on(pattern) runs exactly when matchesSubscription(pattern, type)', async () => {
    await fc.assert(
      fc.asyncProperty(patterns, types, async (pattern, type) => {
        let ran = false;
        const receiver = new TestReceiver({ dedupe: false }).on(pattern, () => {
          ran = true;
        });
        expect((await receiver.handle(post(type))).status).toBe(200);
        const parsed = parseSubscriptionPattern(pattern, { eventTypes: CATALOG });
        expect(ran).toBe(matchesSubscription(parsed, type));
      }),
    );
  });
});
