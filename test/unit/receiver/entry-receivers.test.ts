// Each entry point binds its receivers' crypto: the public classes take only `options`, and a
// second constructor argument (the former `@internal` platform parameter) has no effect.
import { describe, expect, it, vi } from 'vitest';
import {
  createSampleEudrEvent,
  createSampleEvent,
} from '../../../src/core/catalog/sample-events.js';
import * as receiverEntry from '../../../src/receiver/index.js';
import { signEudrPayload } from '../../../src/signature/sign-eudr-payload.node.js';
import { signNovatradePayload } from '../../../src/signature/sign-novatrade-payload.node.js';
import * as webEntry from '../../../src/web/index.js';

const SECRET = 'whsec_entry_receivers';
const T = 1_790_000_000;
const now = () => T * 1000;

/** What a caller might pass as a second argument: a platform that would accept anything. */
function foreignPlatform() {
  return {
    constructEvent: vi.fn(() => createSampleEvent('prospect.submitted')),
    constructEudrEvent: vi.fn(() => createSampleEudrEvent('sync.failed')),
    sha256Hex: vi.fn(() => 'x'),
    defaultLogger: { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() },
  };
}

type TwoArgs<C> = new (options: unknown, platform: unknown) => C;

describe.each([
  ['/receiver', receiverEntry],
  ['/web', webEntry],
] as const)('%s', (_entry, entry) => {
  it('new WebhookReceiver(options, platform) ignores the second argument: a forged request is still 401', async () => {
    const platform = foreignPlatform();
    const Receiver = entry.WebhookReceiver as unknown as TwoArgs<receiverEntry.WebhookReceiver>;
    const receiver = new Receiver({ secret: SECRET, now, logger: 'silent' }, platform);
    const body = JSON.stringify(createSampleEvent('prospect.submitted'));
    const forged = await receiver.handle({
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-novatrade-signature': signNovatradePayload(body, 'whsec_someone_else', { timestamp: T }),
      },
      body,
    });
    expect(forged.status).toBe(401);
    const signed = await receiver.handle({
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-novatrade-signature': signNovatradePayload(body, SECRET, { timestamp: T }),
      },
      body,
    });
    expect(signed.status).toBe(200);
    expect(platform.constructEvent).not.toHaveBeenCalled();
  });

  it('new EudrWebhookReceiver(options, platform) ignores the second argument', async () => {
    const platform = foreignPlatform();
    const Receiver =
      entry.EudrWebhookReceiver as unknown as TwoArgs<receiverEntry.EudrWebhookReceiver>;
    const receiver = new Receiver({ secret: SECRET, logger: 'silent' }, platform);
    const body = JSON.stringify(createSampleEudrEvent('sync.failed'));
    const forged = await receiver.handle({
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-webhook-signature': signEudrPayload(body, 'whsec_someone_else'),
      },
      body,
    });
    expect(forged.status).toBe(401);
    expect(platform.constructEudrEvent).not.toHaveBeenCalled();
    expect(platform.sha256Hex).not.toHaveBeenCalled();
  });
});
