// The README's receiver example, over real HTTP on 127.0.0.1.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReceiver } from '../../examples/core-receiver.js';
import { createSampleEvent } from '../../src/core/catalog/sample-events.js';
import { signNovatradePayload } from '../../src/signature/sign-novatrade-payload.node.js';

const secret = 'whsec_example_secret';
const received: [string, string][] = [];
const server = createReceiver(secret, (type, id) => received.push([type, id]));
let url = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function post(body: string, signature: string | null) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== null) headers['x-novatrade-signature'] = signature;
  const response = await fetch(url, { method: 'POST', body, headers });
  return { status: response.status, body: await response.text() };
}

describe('examples/core-receiver.ts', () => {
  const body = JSON.stringify(createSampleEvent('compliance.status_changed'));

  it('accepts a correctly signed event and hands it to the handler', async () => {
    expect(await post(body, signNovatradePayload(body, secret))).toEqual({ status: 200, body: '' });
    expect(received).toEqual([
      ['compliance.status_changed', createSampleEvent('compliance.status_changed').id],
    ]);
  });

  it('answers 401 with the code for a tampered body, a wrong secret and a missing header', async () => {
    const signature = signNovatradePayload(body, secret);
    expect(await post(body.replace('VALID', 'INVALID'), signature)).toEqual({
      status: 401,
      body: '{"code":"signature_mismatch"}',
    });
    expect((await post(body, signNovatradePayload(body, 'whsec_other'))).status).toBe(401);
    expect(await post(body, null)).toEqual({ status: 401, body: '{"code":"missing_header"}' });
    expect(received).toHaveLength(1);
  });

  it('answers 400 for a signed body that is not an event', async () => {
    const notAnEvent = '{"hello":"world"}';
    expect(await post(notAnEvent, signNovatradePayload(notAnEvent, secret))).toEqual({
      status: 400,
      body: '{"code":"invalid_event"}',
    });
  });
});
