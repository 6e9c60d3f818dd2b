// The dispatcher on its own, through its one narrow interface (DispatcherConfig, DispatcherPorts,
// DispatcherHost): a fake host of three methods, a MemoryStorage, a scripted transport and a
// fake clock, no WebhookSender. What the sender does with the host's calls is tested in
// test/unit/sender/webhook-sender.test.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NOVATRADE_CATALOG } from '../../../../src/core/catalog/novatrade-catalog.js';
import { NOVATRADE_PROFILE } from '../../../../src/core/profiles/novatrade-profile.js';
import type { WireProfile } from '../../../../src/core/profiles/wire-profile.js';
import {
  Dispatcher,
  type DispatcherConfig,
  type DispatcherHost,
} from '../../../../src/sender/internal/dispatcher.js';
import { HookBus } from '../../../../src/sender/internal/hook-bus.js';
import type { MetaEventInput } from '../../../../src/sender/internal/publisher.js';
import { MemoryStorage } from '../../../../src/sender/memory-storage.js';
import type { Transport, TransportResult } from '../../../../src/sender/ports/transport.js';
import type { EndpointRecord } from '../../../../src/sender/records.js';
import { createFakeClock } from '../../../../src/testing/create-fake-clock.js';
import { recordingLogger } from '../../../helpers/log-capture.js';
import {
  deliveryRecord,
  endpointRecord,
  eventRecord,
  T0,
} from '../../../helpers/sender-records.js';

/** The host, faked: it records what the dispatcher asked of the sender. */
function fakeHost() {
  const changed: EndpointRecord[] = [];
  const metas: MetaEventInput[] = [];
  let purges = 0;
  const host: DispatcherHost = {
    endpointChanged: (endpoint) => void changed.push(endpoint),
    emitMeta: async (input) => void metas.push(input),
    purge: async () => void purges++,
  };
  return { host, changed, metas, purges: () => purges };
}

/** Answers every request with `statusCode` (a failure for anything but 2xx). */
function answering(statusCode: number, retryAfter: string | null = null): Transport {
  return {
    send: async (): Promise<TransportResult> => ({
      statusCode,
      failureReason: statusCode >= 200 && statusCode < 300 ? null : 'HTTP_ERROR',
      responseBody: '',
      retryAfter,
      durationMs: 5,
    }),
  };
}

function setup(transport: Transport, overrides: Partial<DispatcherConfig> = {}) {
  const clock = createFakeClock({ nowMs: T0 });
  const storage = new MemoryStorage();
  const logger = recordingLogger();
  const hooks = new HookBus(logger, clock);
  const fake = fakeHost();
  const dispatcher = new Dispatcher({
    config: {
      profile: NOVATRADE_PROFILE,
      catalog: NOVATRADE_CATALOG,
      owner: 'worker-test',
      leaseMs: 60_000,
      maxInFlight: 10,
      reservedInFlight: 1,
      maxInFlightPerEndpoint: 10,
      maxInFlightPerOrigin: Number.POSITIVE_INFINITY,
      claimAhead: 0,
      pollIntervalMs: 1000,
      purgeIntervalMs: 60_000,
      ...overrides,
    },
    ports: { storage, transport, clock, logger, hooks, random: (n) => new Uint8Array(n) },
    host: fake.host,
  });
  return { dispatcher, storage, clock, logger, hooks, ...fake };
}

/** Stores one endpoint and one event with a delivery due now. */
async function oneDue(storage: MemoryStorage) {
  const endpoint = endpointRecord();
  await storage.insertEndpoint(endpoint);
  const event = eventRecord();
  const delivery = deliveryRecord(event, endpoint);
  await storage.insertEvent(event, [delivery]);
  return { endpoint, event, delivery };
}

describe('Dispatcher through its narrow interface (fake host)', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  it('a 2xx -> DELIVERED in storage, the endpoint handed to host.endpointChanged, no meta-event', async () => {
    const { dispatcher, storage, changed, metas } = setup(answering(204));
    const { endpoint, delivery } = await oneDue(storage);
    expect(await dispatcher.processDue()).toBe(1);
    expect((await storage.getDelivery(endpoint.organizationUuid, delivery.id))?.status).toBe(
      'DELIVERED',
    );
    expect(changed.map((e) => e.id)).toEqual([endpoint.id]);
    expect(metas).toEqual([]);
  });

  it('a 503 with Retry-After -> PENDING no earlier than Retry-After, from the pure decision', async () => {
    const { dispatcher, storage } = setup(answering(503, '7200'));
    const { endpoint, delivery } = await oneDue(storage);
    await dispatcher.processDue();
    const stored = await storage.getDelivery(endpoint.organizationUuid, delivery.id);
    expect(stored?.status).toBe('PENDING');
    // The Novatrade24 schedule's first retry is 1 min; Retry-After asks for 2 h.
    expect(stored?.nextAttemptAtMs).toBe(T0 + 7_200_000);
  });

  it('a failure that trips the health policy -> host.endpointChanged with the PAUSED endpoint, then host.emitMeta auto-paused for the other endpoints', async () => {
    const profile: WireProfile = {
      ...NOVATRADE_PROFILE,
      healthPolicy: { maxConsecutiveFailures: 1, action: 'PAUSED' },
    };
    const { dispatcher, storage, changed, metas, hooks } = setup(answering(500), { profile });
    const paused: string[] = [];
    hooks.on('endpoint.paused', ({ endpoint }) => void paused.push(endpoint.status));
    const { endpoint } = await oneDue(storage);
    await dispatcher.processDue();
    expect(changed.map((e) => [e.id, e.status])).toEqual([[endpoint.id, 'PAUSED']]);
    expect(paused).toEqual(['PAUSED']);
    expect(metas).toEqual([
      expect.objectContaining({
        organizationUuid: endpoint.organizationUuid,
        type: 'webhook.endpoint_auto_paused',
        excludeEndpointId: endpoint.id,
        data: expect.objectContaining({ endpointId: endpoint.id, consecutiveFailures: 1 }),
      }),
    ]);
  });

  it('a host.emitMeta that throws -> logged and reported as sender.error; the attempt stays recorded', async () => {
    const profile: WireProfile = {
      ...NOVATRADE_PROFILE,
      healthPolicy: { maxConsecutiveFailures: 1, action: 'PAUSED' },
    };
    const { dispatcher, storage, hooks, logger, host } = setup(answering(500), { profile });
    host.emitMeta = async () => {
      throw new Error('publish failed');
    };
    const errors: string[] = [];
    hooks.on('sender.error', ({ during }) => void errors.push(during));
    const { endpoint, delivery } = await oneDue(storage);
    await dispatcher.processDue();
    expect(errors).toEqual(['meta-event webhook.endpoint_auto_paused']);
    expect(logger.calls.some((c) => c.fields.stage === 'meta-event')).toBe(true);
    expect((await storage.getDelivery(endpoint.organizationUuid, delivery.id))?.status).toBe(
      'FAILED',
    );
  });

  it('the running loop calls host.purge at start and again once purgeIntervalMs has passed; a failing purge is reported and retried', async () => {
    const { dispatcher, clock, hooks, host, purges } = setup(answering(204), {
      pollIntervalMs: 5,
    });
    const errors: string[] = [];
    hooks.on('sender.error', ({ during }) => void errors.push(during));
    const purge = host.purge;
    let failNext = true;
    host.purge = async () => {
      if (failNext) {
        failNext = false;
        throw new Error('purge failed');
      }
      return purge();
    };
    dispatcher.start();
    stop = () => dispatcher.stop(1000);
    await vi.waitFor(() => expect(errors).toEqual(['purgeExpired']));
    expect(purges()).toBe(0);
    clock.advance(60_000);
    await vi.waitFor(() => expect(purges()).toBe(1));
  });
});
