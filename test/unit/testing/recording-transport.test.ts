import { describe, expect, it, vi } from 'vitest';
import { WebhookReceiver } from '../../../src/receiver/webhook-receiver.node.js';
import { WebhookSender } from '../../../src/sender/webhook-sender.js';
import { createFakeClock } from '../../../src/testing/create-fake-clock.js';
import { createRecordingTransport } from '../../../src/testing/create-recording-transport.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';
import { thrown } from '../../helpers/thrown.js';

const ORG = 'org-1';
const publish = (sender: WebhookSender) =>
  sender.publish({
    organizationUuid: ORG,
    type: 'compliance.decision_made',
    partnerUuid: 'partner-1',
    data: { ...EVENT_FIXTURES['compliance.decision_made'].data },
  });

describe('createRecordingTransport', () => {
  it('with a receiver: the sender delivers in process, the receiver verifies and handles it once', async () => {
    const clock = createFakeClock();
    let receiver: WebhookReceiver | undefined;
    const transport = createRecordingTransport({
      receiver: {
        maxBodyBytes: 1 << 20,
        handle: (request) => (receiver as WebhookReceiver).handle(request),
        tooLarge: () => (receiver as WebhookReceiver).tooLarge(),
      },
    });
    const sender = new WebhookSender({ transport, clock });
    const { secret } = await sender.createEndpoint(ORG, {
      url: 'https://partner.example/hooks',
      events: ['compliance.*'],
    });
    const handled = vi.fn();
    receiver = new WebhookReceiver({ secret, now: clock.now }).on(
      'compliance.decision_made',
      handled,
    );
    const { event } = await publish(sender);
    expect(await sender.processDue()).toBe(1);
    expect(transport.requests).toHaveLength(1);
    expect(handled).toHaveBeenCalledWith(
      expect.objectContaining({ id: event.id }),
      expect.anything(),
    );
    const [delivery] = (
      await sender.listDeliveries(ORG, (await sender.listEndpoints(ORG))[0]?.id ?? '')
    ).data;
    expect(delivery).toMatchObject({ status: 'DELIVERED', httpStatus: 200 });
  });

  it('with a status function: failures follow it (0 = no response), and requests are recorded in order', async () => {
    const clock = createFakeClock();
    let calls = 0;
    const transport = createRecordingTransport({ status: () => [500, 0, 204][calls++] ?? 204 });
    const sender = new WebhookSender({ transport, clock });
    await sender.createEndpoint(ORG, {
      url: 'https://partner.example/hooks',
      events: ['compliance.*'],
    });
    await publish(sender);
    await sender.processDue();
    clock.advance(60_000);
    await sender.processDue();
    clock.advance(4 * 60_000);
    await sender.processDue();
    const endpointId = (await sender.listEndpoints(ORG))[0]?.id ?? '';
    const [delivery] = (await sender.listDeliveries(ORG, endpointId)).data;
    const detail = await sender.getDelivery(ORG, endpointId, delivery?.id ?? '');
    expect(detail?.attempts.map((a) => [a.httpStatus, a.failureReason])).toEqual([
      [500, 'HTTP_ERROR'],
      [null, 'NETWORK_ERROR'],
      [204, null],
    ]);
    expect(transport.requests).toHaveLength(3);
    transport.clear();
    expect(transport.requests).toHaveLength(0);
  });

  it('bad options -> invalid_option naming them', () => {
    expect(thrown(() => createRecordingTransport({ status: 42 })).issues[0]?.path).toBe('status');
    expect(thrown(() => createRecordingTransport({ receiver: {} as never })).issues[0]?.path).toBe(
      'receiver',
    );
  });
});
