// A WebhookSender speaking Standard Webhooks end to end (docs/design.md §5.22): what it sends
// verifies with the reference `standardwebhooks` library and with constructStandardEvent, across
// retries and a secret rotation; the secrets it mints and accepts are the profile's format.
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { STANDARD_WEBHOOKS_PROFILE } from '../../../src/core/profiles/standard-webhooks-profile.js';
import { constructStandardEvent } from '../../../src/receiver/construct-standard-event.node.js';
import type { TransportRequest } from '../../../src/sender/ports/transport.js';
import { WebhookSender } from '../../../src/sender/webhook-sender.js';
import { createFakeClock, type FakeClock } from '../../../src/testing/create-fake-clock.js';
import { createRecordingTransport } from '../../../src/testing/create-recording-transport.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';

const ORG = 'org-1';
const URL = 'https://partner.example/hooks';

function setup(status?: (request: TransportRequest) => number) {
  const clock = createFakeClock();
  const transport = createRecordingTransport(status === undefined ? {} : { status });
  const sender = new WebhookSender({ transport, clock, profile: STANDARD_WEBHOOKS_PROFILE });
  return { clock, transport, sender };
}

const publish = (sender: WebhookSender) =>
  sender.publish({
    organizationUuid: ORG,
    type: 'compliance.decision_made',
    partnerUuid: 'partner-1',
    data: { ...EVENT_FIXTURES['compliance.decision_made'].data },
  });

/** Verifies a recorded request with the reference library, at the fake clock's time. */
function referenceVerify(clock: FakeClock, secret: string, request: TransportRequest): unknown {
  vi.setSystemTime(clock.now());
  return new Webhook(secret).verify(request.body, { ...request.headers });
}

describe('WebhookSender with STANDARD_WEBHOOKS_PROFILE', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('mints a whsec_ + padded base64 secret, and its deliveries verify with the reference and constructStandardEvent', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { clock, transport, sender } = setup();
    const { secret } = await sender.createEndpoint(ORG, { url: URL, events: ['compliance.*'] });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const { event } = await publish(sender);
    expect(await sender.processDue()).toBe(1);
    const [request] = transport.requests;
    if (request === undefined) throw new Error('nothing was sent');
    expect(Object.keys(request.headers)).toEqual([
      'content-type',
      'webhook-id',
      'webhook-timestamp',
      'webhook-signature',
      'user-agent',
    ]);
    expect(request.headers['webhook-id']).toBe(event.id);
    expect(request.headers['webhook-timestamp']).toBe(String(Math.floor(clock.now() / 1000)));
    expect(referenceVerify(clock, secret, request)).toMatchObject({
      id: event.id,
      type: 'compliance.decision_made',
    });
    expect(
      constructStandardEvent(request.body, request.headers, secret, {
        now: clock.now,
        strict: true,
      }),
    ).toMatchObject({ id: event.id, type: 'compliance.decision_made', data: event.data });
  });

  it('a retry carries the same webhook-id, a fresh webhook-timestamp, and still verifies', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    let calls = 0;
    const { clock, transport, sender } = setup(() => (calls++ === 0 ? 500 : 204));
    const { secret } = await sender.createEndpoint(ORG, { url: URL, events: ['compliance.*'] });
    await publish(sender);
    await sender.processDue();
    clock.advance(60_000);
    await sender.processDue();
    const [first, retry] = transport.requests;
    if (first === undefined || retry === undefined) throw new Error('expected two attempts');
    expect(retry.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(Number(retry.headers['webhook-timestamp'])).toBe(
      Number(first.headers['webhook-timestamp']) + 60,
    );
    expect(retry.body).toBe(first.body);
    expect(() => referenceVerify(clock, secret, retry)).not.toThrow();
  });

  it('during a rotation it signs with both secrets; the reference accepts either', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { clock, transport, sender } = setup();
    const { endpoint, secret: old } = await sender.createEndpoint(ORG, {
      url: URL,
      events: ['compliance.*'],
    });
    const { secret: next } = await sender.rotateSecret(ORG, endpoint.id);
    expect(next).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    await publish(sender);
    await sender.processDue();
    const [request] = transport.requests;
    if (request === undefined) throw new Error('nothing was sent');
    expect(request.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    for (const secret of [old, next])
      expect(() => referenceVerify(clock, secret, request)).not.toThrow();
  });

  it('accepts a caller secret in the format and refuses others, never quoting them', async () => {
    const { sender } = setup();
    const own = `whsec_${Buffer.alloc(24, 0x5a).toString('base64')}`;
    await expect(
      sender.createEndpoint(ORG, { url: URL, events: ['compliance.*'], secret: own }),
    ).resolves.toMatchObject({ secret: own });
    const urlSafe = `whsec_${Buffer.alloc(32, 0xfb).toString('base64url')}`;
    for (const secret of [
      urlSafe,
      'a-long-enough-plain-text-secret',
      `whsec_${Buffer.alloc(16).toString('base64')}`,
    ]) {
      const error = await sender
        .createEndpoint(ORG, { url: URL, events: ['compliance.*'], secret })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toMatchObject({ code: 'invalid_endpoint', issues: [{ path: 'secret' }] });
      expect((error as Error).message).not.toContain(secret.slice(6, 30));
    }
    const { endpoint } = await sender.createEndpoint(ORG, { url: URL, events: ['compliance.*'] });
    const rotate = await sender.rotateSecret(ORG, endpoint.id, { secret: urlSafe }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(rotate).toMatchObject({ code: 'invalid_endpoint', issues: [{ path: 'secret' }] });
    expect((rotate as Error).message).toMatch(/^rotateSecret:/);
  });

  it('refuses a profile whose secretFormat lacks create or check, at construction', () => {
    for (const secretFormat of [{}, { create: () => 'x' }, { check: () => null }, null]) {
      const profile = { ...STANDARD_WEBHOOKS_PROFILE, secretFormat } as never;
      expect(() => new WebhookSender({ transport: createRecordingTransport(), profile })).toThrow(
        expect.objectContaining({
          code: 'invalid_option',
          issues: [expect.objectContaining({ path: 'profile.secretFormat' })],
        }),
      );
    }
  });

  it('leaves the Novatrade24 profile as it was: any 16 to 256 visible ASCII characters', async () => {
    const sender = new WebhookSender({
      transport: createRecordingTransport(),
      clock: createFakeClock(),
    });
    const urlSafe = `whsec_${Buffer.alloc(32, 0xfb).toString('base64url')}`;
    await expect(
      sender.createEndpoint(ORG, { url: URL, events: ['compliance.*'], secret: urlSafe }),
    ).resolves.toMatchObject({ secret: urlSafe });
    const { secret } = await sender.createEndpoint(ORG, { url: URL, events: ['compliance.*'] });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  });
});
