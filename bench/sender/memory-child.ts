// Measured in a child process of its own (bench/sender.bench.ts forks it with --expose-gc):
// heap bytes per pending delivery, 1,000,000 PENDING deliveries sharing 10,000 events.
//
//   node --expose-gc --import tsx bench/sender/memory-child.ts <mode> [events] [perEvent]
//
// mode `storage`: MemoryStorage. 100 endpoints are inserted first; then, after a full GC, every
//   event is inserted with its deliveries by `storage.insertEvent(event, deliveries)` (records
//   built just before the call and dropped after it, as a sender does). After a full GC the heap
//   delta, divided by the number of deliveries, is the cost per pending delivery with the shared
//   events amortised in. The events alone are measured the same way in a second MemoryStorage
//   (inserted with no delivery), so that the deliveries' own share can be printed too.
// mode `records`: the naive store, the same DeliveryRecord objects (as built, 17 fields) and the
//   same events kept in arrays: no index, no heap, no copy. Each delivery id is flattened first
//   (read one character), as MemoryStorage does: createId builds the id by concatenation, a V8
//   rope of about 500 bytes, and the baseline should not be charged for that.
//
// Ids are real ones (createId: prefix + 26 base32 characters); times are epoch ms (all equal to
// the event's creation time, as for a fan-out); the event's data is a catalog fixture.
// Sends one JSON line on stdout (and on the IPC channel when there is one).

import { createId } from '../../src/core/ids.js';
import { HEALTHY } from '../../src/core/retry/health-policy.js';
import { webCryptoRandom } from '../../src/platform-random.js';
import { newDeliveryRecord } from '../../src/sender/internal/new-delivery-record.js';
import { MemoryStorage } from '../../src/sender/memory-storage.js';
import type { DeliveryRecord, EndpointRecord, EventRecord } from '../../src/sender/records.js';
import { EVENT_FIXTURES } from '../../src/testing/event-fixtures.js';

export interface MemoryResult {
  readonly mode: 'storage' | 'records';
  readonly events: number;
  readonly deliveries: number;
  /** Heap delta after GC (events and deliveries) divided by `deliveries`. */
  readonly bytesPerDelivery: number;
  /** The events' own heap delta (storage mode: measured alone; records mode: not measured). */
  readonly eventBytes: number | null;
  readonly totalBytes: number;
  readonly ms: number;
}

const ORG = '550e8400-e29b-41d4-a716-446655440000';
const PARTNER = '11111111-2222-3333-4444-555555555555';
const ENDPOINTS = 100;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('memory-child: run with --expose-gc');

function settledHeap(): number {
  for (let i = 0; i < 4; i++) (gc as () => void)();
  return process.memoryUsage().heapUsed;
}

function endpointRecord(i: number, createdAtMs: number): EndpointRecord {
  return {
    id: createId('endpoint', webCryptoRandom),
    organizationUuid: ORG,
    url: `https://receiver-${i}.example/webhooks`,
    description: null,
    events: ['compliance.*'],
    partnerIds: null,
    acceptedSchemaVersions: [1],
    status: 'ACTIVE',
    secrets: [{ secret: `whsec_bench_${i}`, createdAtMs, expiresAtMs: null }],
    health: HEALTHY,
    createdAtMs,
    updatedAtMs: createdAtMs,
  };
}

function eventRecord(createdAtMs: number): EventRecord {
  return {
    id: createId('event', webCryptoRandom),
    organizationUuid: ORG,
    type: 'compliance.decision_made',
    schemaVersion: 1,
    source: 'SYSTEM',
    partnerUuid: PARTNER,
    createdAtMs,
    data: { ...EVENT_FIXTURES['compliance.decision_made'].data },
  };
}

function deliveryRecord(event: EventRecord, endpoint: EndpointRecord): DeliveryRecord {
  return newDeliveryRecord({
    id: createId('delivery', webCryptoRandom),
    event,
    endpointId: endpoint.id,
  });
}

async function measure(
  mode: 'storage' | 'records',
  eventCount: number,
  perEvent: number,
): Promise<MemoryResult> {
  const startedAt = performance.now();
  const baseMs = Date.now();
  const endpoints = Array.from({ length: ENDPOINTS }, (_, i) => endpointRecord(i, baseMs));
  // Each event goes to `perEvent` endpoints, spread over the 100 (perEvent <= 100).
  const targets = (e: number) =>
    Array.from({ length: perEvent }, (_, k) => endpoints[(e + k) % ENDPOINTS] as EndpointRecord);

  let eventBytes: number | null = null;
  if (mode === 'storage') {
    const alone = new MemoryStorage();
    for (const endpoint of endpoints) await alone.insertEndpoint(endpoint);
    const before = settledHeap();
    for (let e = 0; e < eventCount; e++) await alone.insertEvent(eventRecord(baseMs + e), []);
    eventBytes = settledHeap() - before;
    // `alone` stays reachable until here: measured with its events, then dropped.
    if ((await alone.getEvent(ORG, 'evt_none')) !== null) throw new Error('unreachable');
  }

  const storage = new MemoryStorage();
  const keptEvents: EventRecord[] = [];
  const keptDeliveries: DeliveryRecord[] = [];
  if (mode === 'storage') for (const endpoint of endpoints) await storage.insertEndpoint(endpoint);
  const before = settledHeap();
  for (let e = 0; e < eventCount; e++) {
    const event = eventRecord(baseMs + e);
    const deliveries = targets(e).map((endpoint) => deliveryRecord(event, endpoint));
    if (mode === 'storage') await storage.insertEvent(event, deliveries);
    else {
      keptEvents.push(event);
      for (const delivery of deliveries) {
        delivery.id.charCodeAt(0); // flatten the id, as the storage does (see the header)
        keptDeliveries.push(delivery);
      }
    }
  }
  const totalBytes = settledHeap() - before;
  const deliveries = eventCount * perEvent;

  // Keep what was measured reachable up to the measurement, and check it is all there.
  if (mode === 'storage') {
    const due = await storage.nextDueAtMs();
    if (due === null) throw new Error('memory-child: nothing pending in storage');
    const claimed = await storage.claimDue({
      nowMs: baseMs + eventCount,
      limit: 5,
      leaseMs: 60_000,
      owner: 'bench',
    });
    if (claimed.length !== 5) throw new Error('memory-child: could not claim pending deliveries');
  } else if (keptDeliveries.length !== deliveries || keptEvents.length !== eventCount) {
    throw new Error('memory-child: records missing');
  }
  return {
    mode,
    events: eventCount,
    deliveries,
    bytesPerDelivery: totalBytes / deliveries,
    eventBytes,
    totalBytes,
    ms: performance.now() - startedAt,
  };
}

const [modeArg = 'storage', eventsArg = '10000', perEventArg = '100'] = process.argv.slice(2);
if (modeArg !== 'storage' && modeArg !== 'records') throw new Error(`unknown mode ${modeArg}`);
const result = await measure(modeArg, Number(eventsArg), Math.min(ENDPOINTS, Number(perEventArg)));
console.log(JSON.stringify(result));
if (process.send !== undefined) process.send(result, () => process.disconnect());
