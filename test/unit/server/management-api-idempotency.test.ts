// The management API's Idempotency-Key (docs/design.md §5.10): required on every write, one run
// per organization + method + route + key, the stored answer replayed for the same path and
// body, 422 for another body or path, 409 while the first request is still running, and only
// successful writes stored.
import { describe, expect, it } from 'vitest';
import { WebhookStorageError } from '../../../src/core/errors.js';
import { MemoryStorage } from '../../../src/sender/memory-storage.js';
import type { EndpointRecord } from '../../../src/sender/records.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';
import {
  type ApiHarness,
  CREATE_BODY,
  createApiHarness,
  createEndpoint,
  jsonOf,
  ORG_A,
  ORG_B,
} from '../../helpers/management-api-harness.js';
import { storageWith } from '../../helpers/sender-doubles.js';

const BASE = 'https://api.novatrade24.com/problems/';
const VIES = EVENT_FIXTURES['kyc.vies_check_failed'];
const TEST_FIRE = { eventType: VIES.type, data: VIES.data };
const PUBLISH = {
  type: VIES.type,
  data: VIES.data,
  partnerUuid: '11111111-2222-3333-4444-555555555555',
};

async function problemType(response: Response): Promise<unknown> {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return (await jsonOf(response)).type;
}

/** Every write route, with a body it accepts, on an endpoint and delivery of A. */
const WRITES = [
  ['POST', '/v1/webhooks', CREATE_BODY],
  ['PATCH', '/v1/webhooks/{id}', { description: 'patched' }],
  ['DELETE', '/v1/webhooks/{id}', undefined],
  ['POST', '/v1/webhooks/{id}/test', TEST_FIRE],
  ['POST', '/v1/webhooks/{id}/rotate-secret', { overlapMs: 0 }],
  ['POST', '/v1/webhooks/{id}/deliveries/{deliveryId}/replay', undefined],
  ['POST', '/v1/webhooks/{id}/deliveries/recover', { since: '2025-01-01T00:00:00Z' }],
  ['POST', '/v1/events', PUBLISH],
] as const;

/** A's endpoint with one DELIVERED delivery. */
async function endpointWithDelivery(harness: ApiHarness) {
  const { id } = await createEndpoint(harness);
  expect((await harness.call('POST', '/v1/events', { body: PUBLISH })).status).toBe(202);
  await harness.sender.processDue();
  const page = await harness.sender.listDeliveries(ORG_A, id);
  return { id, deliveryId: String(page.data[0]?.id) };
}

async function endpointCount(harness: ApiHarness, org = ORG_A): Promise<number> {
  return (await harness.sender.listEndpoints(org)).length;
}

describe('Idempotency-Key required', () => {
  it.each(
    WRITES,
  )('%s %s without an Idempotency-Key -> 400 malformed-request, nothing runs', async (method, template, body) => {
    const harness = createApiHarness();
    const { id, deliveryId } = await endpointWithDelivery(harness);
    const before = await harness.sender.listEndpoints(ORG_A);
    const deliveriesBefore = (await harness.sender.listDeliveries(ORG_A, id)).data.length;
    const path = template.replace('{id}', id).replace('{deliveryId}', deliveryId);
    const response = await harness.call(method, path, { body, key: null });
    expect(response.status).toBe(400);
    expect(await problemType(response)).toBe(`${BASE}malformed-request`);
    expect(await harness.sender.listEndpoints(ORG_A)).toEqual(before);
    expect((await harness.sender.listDeliveries(ORG_A, id)).data).toHaveLength(deliveriesBefore);
  });

  it('POST /v1/webhooks with an empty Idempotency-Key -> 400 malformed-request', async () => {
    const harness = createApiHarness();
    const response = await harness.call('POST', '/v1/webhooks', { body: CREATE_BODY, key: '' });
    expect(response.status).toBe(400);
    expect(await endpointCount(harness)).toBe(0);
  });

  it('POST /v1/webhooks with a 256-character Idempotency-Key -> 400 malformed-request, nothing created', async () => {
    const harness = createApiHarness();
    const response = await harness.call('POST', '/v1/webhooks', {
      body: CREATE_BODY,
      key: 'k'.repeat(256),
    });
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).detail).toBe(
      'The Idempotency-Key header must be 1 to 255 characters.',
    );
    expect(await endpointCount(harness)).toBe(0);
  });

  it('POST /v1/webhooks with a 255-character Idempotency-Key -> 201', async () => {
    const harness = createApiHarness();
    const response = await harness.call('POST', '/v1/webhooks', {
      body: CREATE_BODY,
      key: 'k'.repeat(255),
    });
    expect(response.status).toBe(201);
  });

  it('GET routes need no Idempotency-Key -> 200', async () => {
    expect((await createApiHarness().call('GET', '/v1/webhooks')).status).toBe(200);
  });
});

describe('Idempotency-Key replay', () => {
  it('POST /v1/webhooks twice with the same key and body -> the stored 201 (same body, one-time secret included) with Idempotent-Replayed: true; one endpoint', async () => {
    const harness = createApiHarness();
    const first = await harness.call('POST', '/v1/webhooks', { body: CREATE_BODY, key: 'k-1' });
    const second = await harness.call('POST', '/v1/webhooks', { body: CREATE_BODY, key: 'k-1' });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    const [firstText, secondText] = [await first.text(), await second.text()];
    expect(secondText).toBe(firstText);
    expect(JSON.parse(secondText).secret).toMatch(/^whsec_/);
    expect(await endpointCount(harness)).toBe(1);
    const listed = await (await harness.call('GET', '/v1/webhooks')).json();
    expect(listed).toHaveLength(1);
  });

  it('the replay is byte-for-byte the same even after the endpoint changed', async () => {
    const harness = createApiHarness();
    const first = await (
      await harness.call('POST', '/v1/webhooks', { body: CREATE_BODY, key: 'k-1' })
    ).text();
    const { id } = JSON.parse(first) as { id: string };
    await harness.call('PATCH', `/v1/webhooks/${id}`, { body: { description: 'changed' } });
    const again = await harness.call('POST', '/v1/webhooks', { body: CREATE_BODY, key: 'k-1' });
    expect(await again.text()).toBe(first);
  });

  it('DELETE /v1/webhooks/{id} twice with the same key -> 204 then the stored 204 replayed (not 404)', async () => {
    const harness = createApiHarness();
    const { id } = await createEndpoint(harness);
    const first = await harness.call('DELETE', `/v1/webhooks/${id}`, { key: 'd-1' });
    const second = await harness.call('DELETE', `/v1/webhooks/${id}`, { key: 'd-1' });
    expect(first.status).toBe(204);
    expect(second.status).toBe(204);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.text()).toBe('');
  });

  it('POST /v1/webhooks/{id}/test twice with the same key -> one test delivery', async () => {
    const harness = createApiHarness();
    const { id } = await createEndpoint(harness);
    const first = await harness.call('POST', `/v1/webhooks/${id}/test`, {
      body: TEST_FIRE,
      key: 't-1',
    });
    const second = await harness.call('POST', `/v1/webhooks/${id}/test`, {
      body: TEST_FIRE,
      key: 't-1',
    });
    expect(second.status).toBe(202);
    expect(await second.text()).toBe(await first.text());
    expect((await harness.sender.listDeliveries(ORG_A, id)).data).toHaveLength(1);
  });

  it('POST /v1/events twice with the same key -> one event, the same answer', async () => {
    const harness = createApiHarness();
    const { id } = await createEndpoint(harness);
    const first = await harness.call('POST', '/v1/events', { body: PUBLISH, key: 'e-1' });
    const second = await harness.call('POST', '/v1/events', { body: PUBLISH, key: 'e-1' });
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.text()).toBe(await first.text());
    expect((await harness.sender.listDeliveries(ORG_A, id)).data).toHaveLength(1);
  });

  it('the same key with a body that differs only in whitespace -> 422 idempotency-key-reused (the raw body is hashed)', async () => {
    const harness = createApiHarness();
    await harness.call('POST', '/v1/webhooks', { body: JSON.stringify(CREATE_BODY), key: 'k-1' });
    const response = await harness.call('POST', '/v1/webhooks', {
      body: JSON.stringify(CREATE_BODY, null, 2),
      key: 'k-1',
    });
    expect(response.status).toBe(422);
  });
});

describe('Idempotency-Key conflicts', () => {
  it('the same key with another body -> 422 idempotency-key-reused; nothing more created', async () => {
    const harness = createApiHarness();
    await harness.call('POST', '/v1/webhooks', { body: CREATE_BODY, key: 'k-1' });
    const response = await harness.call('POST', '/v1/webhooks', {
      body: { ...CREATE_BODY, url: 'https://other.example/hook' },
      key: 'k-1',
    });
    expect(response.status).toBe(422);
    expect(response.headers.get('idempotent-replayed')).toBeNull();
    expect(await problemType(response)).toBe(`${BASE}idempotency-key-reused`);
    expect(await endpointCount(harness)).toBe(1);
  });

  it('the same key on DELETE of two different ids -> 204, then 422 (not a replay); the second endpoint survives', async () => {
    const harness = createApiHarness();
    const one = await createEndpoint(harness);
    const two = await createEndpoint(harness);
    const first = await harness.call('DELETE', `/v1/webhooks/${one.id}`, { key: 'd-1' });
    const second = await harness.call('DELETE', `/v1/webhooks/${two.id}`, { key: 'd-1' });
    expect(first.status).toBe(204);
    expect(second.status).toBe(422);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(await problemType(second)).toBe(`${BASE}idempotency-key-reused`);
    expect((await harness.call('GET', `/v1/webhooks/${two.id}`)).status).toBe(200);
  });

  it('the same key on PATCH of two different ids with one body -> 422 for the second; it stays unpatched', async () => {
    const harness = createApiHarness();
    const one = await createEndpoint(harness);
    const two = await createEndpoint(harness);
    const body = { description: 'patched' };
    expect(
      (await harness.call('PATCH', `/v1/webhooks/${one.id}`, { body, key: 'p-1' })).status,
    ).toBe(200);
    const second = await harness.call('PATCH', `/v1/webhooks/${two.id}`, { body, key: 'p-1' });
    expect(second.status).toBe(422);
    expect(
      (await jsonOf(await harness.call('GET', `/v1/webhooks/${two.id}`))).description,
    ).toBeNull();
  });

  it('the same key on two different routes -> independent (201 and 202)', async () => {
    const harness = createApiHarness();
    const { id } = await createEndpoint(harness);
    const created = await harness.call('POST', '/v1/webhooks', { body: CREATE_BODY, key: 'x-1' });
    const fired = await harness.call('POST', `/v1/webhooks/${id}/test`, {
      body: TEST_FIRE,
      key: 'x-1',
    });
    expect(created.status).toBe(201);
    expect(fired.status).toBe(202);
    expect(fired.headers.get('idempotent-replayed')).toBeNull();
  });

  it('the same key and body in two organizations -> two endpoints, one in each; neither replayed', async () => {
    const harness = createApiHarness();
    const ofA = await harness.call('POST', '/v1/webhooks', { body: CREATE_BODY, key: 'k-1' });
    const ofB = await harness.call('POST', '/v1/webhooks', {
      body: CREATE_BODY,
      key: 'k-1',
      org: 'B',
    });
    expect([ofA.status, ofB.status]).toEqual([201, 201]);
    expect(ofB.headers.get('idempotent-replayed')).toBeNull();
    const [a, b] = [await jsonOf(ofA), await jsonOf(ofB)];
    expect(a.id).not.toBe(b.id);
    expect(b.organizationUuid).toBe(ORG_B);
    expect(await endpointCount(harness, ORG_A)).toBe(1);
    expect(await endpointCount(harness, ORG_B)).toBe(1);
  });
});

describe('Idempotency-Key: failed writes are not stored', () => {
  it('a 422 from the sender (unknown event type), then the fixed body with the same key -> 201', async () => {
    const harness = createApiHarness();
    const refused = await harness.call('POST', '/v1/webhooks', {
      body: { ...CREATE_BODY, events: ['no_such.event_type'] },
      key: 'k-1',
    });
    expect(refused.status).toBe(422);
    expect(await problemType(refused)).toBe(`${BASE}validation-error`);
    const fixed = await harness.call('POST', '/v1/webhooks', { body: CREATE_BODY, key: 'k-1' });
    expect(fixed.status).toBe(201);
    expect(fixed.headers.get('idempotent-replayed')).toBeNull();
  });

  it('a 422 from the schema (unknown field), then the fixed body with the same key -> 201', async () => {
    const harness = createApiHarness();
    const refused = await harness.call('POST', '/v1/webhooks', {
      body: { ...CREATE_BODY, extra: 1 },
      key: 'k-1',
    });
    expect(refused.status).toBe(422);
    expect(
      (await harness.call('POST', '/v1/webhooks', { body: CREATE_BODY, key: 'k-1' })).status,
    ).toBe(201);
  });

  it('a 404 DELETE, then the same key -> 404 again (run again, not replayed), and on an existing id -> 204', async () => {
    const harness = createApiHarness();
    const missing = await harness.call('DELETE', '/v1/webhooks/wh_missing', { key: 'd-1' });
    expect(missing.status).toBe(404);
    const again = await harness.call('DELETE', '/v1/webhooks/wh_missing', { key: 'd-1' });
    expect(again.status).toBe(404);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    const { id } = await createEndpoint(harness);
    expect((await harness.call('DELETE', `/v1/webhooks/${id}`, { key: 'd-1' })).status).toBe(204);
  });

  it('a 409 replay on a PAUSED endpoint, then resume and the same key -> 202', async () => {
    const harness = createApiHarness();
    const { id, deliveryId } = await endpointWithDelivery(harness);
    await harness.call('PATCH', `/v1/webhooks/${id}`, { body: { status: 'PAUSED' } });
    const path = `/v1/webhooks/${id}/deliveries/${deliveryId}/replay`;
    const refused = await harness.call('POST', path, { key: 'r-1' });
    expect(refused.status).toBe(409);
    expect(await problemType(refused)).toBe(`${BASE}invalid-state`);
    await harness.call('PATCH', `/v1/webhooks/${id}`, { body: { status: 'ACTIVE' } });
    const retried = await harness.call('POST', path, { key: 'r-1' });
    expect(retried.status).toBe(202);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
  });

  it('a 503 during a storage outage, then the same key and body once storage is back -> 201, created once', async () => {
    const memory = new MemoryStorage();
    let down = true;
    const storage = storageWith(memory, {
      insertEndpoint: async (endpoint: EndpointRecord) => {
        if (down) throw new WebhookStorageError('storage_unavailable', 'connection refused');
        return memory.insertEndpoint(endpoint);
      },
    });
    const harness = createApiHarness({ storage });
    const failed = await harness.call('POST', '/v1/webhooks', { body: CREATE_BODY, key: 'k-1' });
    expect(failed.status).toBe(503);
    down = false;
    const retried = await harness.call('POST', '/v1/webhooks', { body: CREATE_BODY, key: 'k-1' });
    expect(retried.status).toBe(201);
    expect(await endpointCount(harness)).toBe(1);
  });
});

describe('Idempotency-Key in flight', () => {
  it('the same key while the first request runs -> 409 idempotency-key-in-flight; afterwards the stored answer', async () => {
    const memory = new MemoryStorage();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reached: () => void = () => {};
    const insertReached = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const storage = storageWith(memory, {
      insertEndpoint: async (endpoint: EndpointRecord) => {
        reached();
        await held;
        return memory.insertEndpoint(endpoint);
      },
    });
    const harness = createApiHarness({ storage });
    const first = harness.call('POST', '/v1/webhooks', { body: CREATE_BODY, key: 'k-1' });
    await insertReached;
    const second = await harness.call('POST', '/v1/webhooks', { body: CREATE_BODY, key: 'k-1' });
    expect(second.status).toBe(409);
    expect(await problemType(second)).toBe(`${BASE}idempotency-key-in-flight`);
    const otherKey = harness.call('POST', '/v1/webhooks', { body: CREATE_BODY, key: 'k-2' });
    release();
    const [firstDone, otherDone] = await Promise.all([first, otherKey]);
    expect(firstDone.status).toBe(201);
    expect(otherDone.status).toBe(201);
    const third = await harness.call('POST', '/v1/webhooks', { body: CREATE_BODY, key: 'k-1' });
    expect(third.status).toBe(201);
    expect(third.headers.get('idempotent-replayed')).toBe('true');
    expect(await third.text()).toBe(await firstDone.text());
    expect(await endpointCount(harness)).toBe(2);
  });
});
