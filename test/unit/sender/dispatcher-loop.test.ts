// The running dispatcher with storages that misbehave: it keeps yielding to the event loop, and
// stop() keeps its deadline.
import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../../src/sender/memory-storage.js';
import type { ClaimDueInput, SenderStorage } from '../../../src/sender/ports/sender-storage.js';
import type { Transport } from '../../../src/sender/ports/transport.js';
import { WebhookSender } from '../../../src/sender/webhook-sender.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';

const ORG = '550e8400-e29b-41d4-a716-446655440000';
const fixture = EVENT_FIXTURES['compliance.decision_made'];

/** Answers only when aborted: attempts stay in flight until stop(). */
const hangingTransport: Transport = {
  send: (request) =>
    new Promise((resolve) => {
      request.signal?.addEventListener('abort', () =>
        resolve({
          statusCode: null,
          failureReason: 'NETWORK_ERROR',
          responseBody: '',
          retryAfter: null,
          durationMs: 0,
        }),
      );
    }),
};

/** `memory` with some operations replaced (a Proxy: MemoryStorage keeps private fields). */
function overriding(memory: MemoryStorage, overrides: Partial<SenderStorage>): SenderStorage {
  return new Proxy(memory, {
    get(target, key) {
      const own = (overrides as Record<PropertyKey, unknown>)[key];
      if (own !== undefined) return own;
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function publishMany(sender: WebhookSender, count: number): Promise<void> {
  await sender.createEndpoint(ORG, { url: 'https://a.example/hooks', events: ['compliance.*'] });
  for (let i = 0; i < count; i++) {
    await sender.publish({
      organizationUuid: ORG,
      type: 'compliance.decision_made',
      partnerUuid: fixture.partnerUuid,
      data: fixture.data,
    });
  }
}

describe('the running dispatcher', () => {
  it('a storage that ignores the per-endpoint room: the loop hands the extra back and still lets timers run', async () => {
    const memory = new MemoryStorage();
    const storage = overriding(memory, {
      claimDue: (input: ClaimDueInput) =>
        memory.claimDue({ ...input, maxPerEndpoint: undefined, inFlightByEndpoint: undefined }),
    });
    const sender = new WebhookSender({
      storage,
      transport: hangingTransport,
      logger: 'silent',
      maxInFlightPerEndpoint: 2,
    });
    await publishMany(sender, 20);
    sender.start();
    // Starved by a claim-and-release loop in microtasks, this timer would never fire.
    const fired = await new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 50));
    expect(fired).toBe(true);
    await sender.stop({ deadlineMs: 0 });
  });

  it('stop() keeps its deadline while a storage call never answers', async () => {
    const memory = new MemoryStorage();
    let hang = false;
    const storage = overriding(memory, {
      claimDue: (input: ClaimDueInput) =>
        hang ? new Promise<never>(() => {}) : memory.claimDue(input),
      nextDueAtMs: () => (hang ? new Promise<never>(() => {}) : memory.nextDueAtMs()),
    });
    const sender = new WebhookSender({ storage, transport: hangingTransport, logger: 'silent' });
    await publishMany(sender, 1);
    hang = true;
    sender.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const stopped = await Promise.race([
      sender.stop({ deadlineMs: 100 }).then(() => 'stopped'),
      new Promise((resolve) => setTimeout(() => resolve('hung'), 8_000)),
    ]);
    expect(stopped).toBe('stopped');
  }, 15_000);

  it('a 2xx that arrives as stop() aborts is recorded DELIVERED, not released for a second send', async () => {
    const storage = new MemoryStorage();
    let answer: () => void = () => {};
    const transport: Transport = {
      send: (request) =>
        new Promise((resolve) => {
          // Ignores the abort: the receiver had already answered when it fired.
          request.signal?.addEventListener('abort', () => answer());
          answer = () =>
            resolve({
              statusCode: 204,
              failureReason: null,
              responseBody: '',
              retryAfter: null,
              durationMs: 1,
            });
        }),
    };
    const sender = new WebhookSender({ storage, transport, logger: 'silent' });
    await publishMany(sender, 1);
    sender.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await sender.stop({ deadlineMs: 0 });
    const page = await storage.listDeliveries({
      organizationUuid: ORG,
      page: 0,
      size: 10,
      sortField: 'createdAt',
      sortDirection: 'asc',
    });
    expect(page.items.map((d) => d.status)).toEqual(['DELIVERED']);
  });
});
