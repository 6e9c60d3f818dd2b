// WebhookSender.rotateSecret with a caller secret: a secret that still signs is refused (it would
// sign twice and take one of the 3 slots), one whose overlap has ended may come back, and a
// malformed one is reported under rotateSecret. No message carries a secret (docs/security.md).
import { describe, expect, it } from 'vitest';
import {
  isWebhooksError,
  WebhookConflictError,
  WebhookValidationError,
} from '../../../src/core/errors.js';
import { parseNovatradeSignatureHeader } from '../../../src/core/signature/novatrade-signature-header.js';
import { MemoryStorage } from '../../../src/sender/memory-storage.js';
import type { TransportRequest } from '../../../src/sender/ports/transport.js';
import { WebhookSender } from '../../../src/sender/webhook-sender.js';
import { createFakeClock } from '../../../src/testing/create-fake-clock.js';
import { createRecordingTransport } from '../../../src/testing/create-recording-transport.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';

const ORG = 'org-1';
const HOUR = 60 * 60 * 1000;
const FIRST = 'whsec_first_caller_secret_0001';
const SECOND = 'whsec_second_caller_secret_002';

async function setup() {
  const clock = createFakeClock();
  const storage = new MemoryStorage();
  const transport = createRecordingTransport();
  const sender = new WebhookSender({ storage, transport, clock });
  const { endpoint } = await sender.createEndpoint(ORG, {
    url: 'https://a.example/hooks',
    events: ['compliance.*'],
    secret: FIRST,
  });
  const secrets = async () => (await storage.getEndpoint(ORG, endpoint.id))?.secrets;
  /** The `v1=` digests of one delivery sent now. */
  const signatures = async (): Promise<readonly string[]> => {
    transport.clear();
    await sender.publish({
      organizationUuid: ORG,
      type: 'compliance.decision_made',
      partnerUuid: 'partner-1',
      data: { ...EVENT_FIXTURES['compliance.decision_made'].data },
    });
    await sender.processDue();
    const request = transport.requests[0] as TransportRequest;
    return parseNovatradeSignatureHeader(request.headers['X-Novatrade-Signature'] ?? '').signatures;
  };
  return { clock, sender, endpointId: endpoint.id, secrets, signatures };
}

/** The error `run` rejects with; every text it exposes is checked for the given secrets. */
async function rejection(run: () => Promise<unknown>, secrets: readonly string[]) {
  const error = await run().then(
    () => expect.unreachable('expected a rejection'),
    (e: unknown) => e,
  );
  expect(isWebhooksError(error)).toBe(true);
  const texts = [String(error), JSON.stringify(error)];
  for (const secret of secrets) for (const text of texts) expect(text).not.toContain(secret);
  return error as WebhookConflictError | WebhookValidationError;
}

describe('WebhookSender.rotateSecret with a caller secret', () => {
  it('the secret in use -> invalid_state naming rotateSecret, and nothing changes', async () => {
    const { sender, endpointId, secrets, signatures } = await setup();
    const before = await secrets();
    const error = await rejection(
      () => sender.rotateSecret(ORG, endpointId, { secret: FIRST }),
      [FIRST],
    );
    expect(error).toBeInstanceOf(WebhookConflictError);
    expect(error.code).toBe('invalid_state');
    expect(error.message).toMatch(/^rotateSecret: the secret passed is already live/);
    expect(await secrets()).toEqual(before);
    expect((await sender.getEndpoint(ORG, endpointId))?.liveSecrets).toBe(1);
    expect(await signatures()).toHaveLength(1);
  });

  it('an old secret still inside its overlap -> invalid_state; both live secrets keep signing once each', async () => {
    const { sender, endpointId, secrets, signatures } = await setup();
    await sender.rotateSecret(ORG, endpointId, { secret: SECOND, overlapMs: HOUR });
    const before = await secrets();
    for (const secret of [FIRST, SECOND]) {
      const error = await rejection(
        () => sender.rotateSecret(ORG, endpointId, { secret }),
        [FIRST, SECOND],
      );
      expect(error.code).toBe('invalid_state');
      expect(error.message).toContain('rotateSecret:');
    }
    expect(await secrets()).toEqual(before);
    const v1 = await signatures();
    expect(v1).toHaveLength(2);
    expect(new Set(v1).size).toBe(2);
  });

  it('a secret whose overlap has ended may be used again: it signs once, beside the current one', async () => {
    const { clock, sender, endpointId, secrets, signatures } = await setup();
    await sender.rotateSecret(ORG, endpointId, { secret: SECOND, overlapMs: HOUR });
    clock.advance(HOUR);
    await expect(
      sender.rotateSecret(ORG, endpointId, { secret: FIRST, overlapMs: HOUR }),
    ).resolves.toEqual({ secret: FIRST });
    expect((await secrets())?.map((s) => s.secret)).toEqual([FIRST, SECOND]);
    expect(await signatures()).toHaveLength(2);
  });

  it.each([
    ['too short', 'whsec_short'],
    ['a space', 'whsec_with a space_in_the_middle'],
    ['not a string', 42],
  ])('a malformed secret (%s) -> invalid_endpoint on `secret`, named rotateSecret, nothing changes', async (_name, secret) => {
    const { sender, endpointId, secrets } = await setup();
    const before = await secrets();
    const error = await rejection(
      () => sender.rotateSecret(ORG, endpointId, { secret: secret as string }),
      [String(secret)],
    );
    expect(error).toBeInstanceOf(WebhookValidationError);
    expect(error.code).toBe('invalid_endpoint');
    expect(error.message).toMatch(/^rotateSecret: secret: expected 16 to 256 visible ASCII/);
    expect(error.message).not.toContain('createEndpoint');
    expect((error as WebhookValidationError).issues.map((i) => i.path)).toEqual(['secret']);
    expect(await secrets()).toEqual(before);
  });

  it('with 3 live secrets, one of them -> the already-live refusal, not the slot limit', async () => {
    const { sender, endpointId } = await setup();
    await sender.rotateSecret(ORG, endpointId, { secret: SECOND, overlapMs: HOUR });
    await sender.rotateSecret(ORG, endpointId, { overlapMs: HOUR });
    const error = await rejection(
      () => sender.rotateSecret(ORG, endpointId, { secret: SECOND }),
      [SECOND],
    );
    expect(error.message).toContain('already live');
  });
});
