// `endpoints` and `deliveries` as real child processes against a management API on 127.0.0.1
// (`createManagementApi` over an in-memory sender, which this test drives): create → list → get →
// pause → resume → history → replay → delete, each step checked against what the sender holds.
import { describe, expect, it } from 'vitest';
import type {
  CreatedWebhookEndpoint,
  WebhookDelivery,
  WebhookEndpoint,
} from '../../../src/client/resource-types.js';
import { createSampleEvent } from '../../../src/core/catalog/sample-events.js';
import { runCli } from '../../helpers/cli.js';
import { API_ORG, useApiServer } from '../../unit/cli/api-server.js';

const api = useApiServer();

/** Runs a command in a child process with the API's address and key in its environment. */
async function cli(args: readonly string[]) {
  const run = await runCli(args, { env: api.env });
  return run;
}

async function ok(args: readonly string[]): Promise<string> {
  const run = await cli(args);
  expect(run.status, `${args.join(' ')}\n${run.stderr}`).toBe(0);
  return run.stdout;
}

describe('endpoints and deliveries (child processes)', () => {
  it(
    'create → list → get → pause → resume → history → replay → delete',
    { timeout: 180_000 },
    async () => {
      const created = JSON.parse(
        await ok([
          'endpoints',
          'create',
          '--url',
          'https://partner.example/hooks',
          '--events',
          'kyc.*',
          '--json',
        ]),
      ) as CreatedWebhookEndpoint;
      expect(created.secret).toMatch(/^whsec_/);
      const { id } = created;

      const [list, get] = await Promise.all([
        ok(['endpoints', 'list']),
        ok(['endpoints', 'get', id, '--json']),
      ]);
      expect(list).toMatch(
        new RegExp(`\\n${id} +ACTIVE +0 +kyc\\.\\* +https://partner\\.example/hooks\\n`),
      );
      expect(list).not.toContain(created.secret);
      expect(JSON.parse(get) as WebhookEndpoint).toMatchObject({
        id,
        status: 'ACTIVE',
        events: ['kyc.*'],
      });

      expect(await ok(['endpoints', 'pause', id])).toBe(`Paused ${id}: now PAUSED.\n`);
      expect((await api.sender.getEndpoint(API_ORG, id))?.status).toBe('PAUSED');
      expect(await ok(['endpoints', 'resume', id])).toBe(`Resumed ${id}: now ACTIVE.\n`);
      expect((await api.sender.getEndpoint(API_ORG, id))?.status).toBe('ACTIVE');

      const sample = createSampleEvent('kyc.vies_check_failed');
      await api.sender.publish({
        organizationUuid: API_ORG,
        type: 'kyc.vies_check_failed',
        partnerUuid: sample.partnerUuid,
        data: sample.data,
      } as never);
      expect(await api.sender.processDue()).toBe(1);

      const history = await ok(['deliveries', 'list', id]);
      expect(history).toMatch(/\ndel_\w+ +\S+ +kyc\.vies_check_failed +DELIVERED +204 +1 *\n/);
      expect(history).toContain('page 0 of 1 (from 0; 1 delivery)');
      const [delivery] = JSON.parse(
        await ok(['deliveries', 'list', id, '--all', '--json']),
      ) as WebhookDelivery[];
      const deliveryId = (delivery as WebhookDelivery).id;

      const replay = await ok(['deliveries', 'replay', id, deliveryId]);
      const replayId = new RegExp(`^Replaying ${deliveryId} as (del_\\w+)\\.\\n`).exec(replay)?.[1];
      expect(replayId).toBeDefined();
      const replayed = await api.sender.getDelivery(API_ORG, id, replayId as string);
      expect(replayed?.delivery).toMatchObject({
        replayOf: deliveryId,
        eventId: delivery?.eventId,
      });

      expect(await ok(['endpoints', 'delete', id])).toBe(`Deleted ${id}.\n`);
      expect(await api.sender.getEndpoint(API_ORG, id)).toBeNull();
      const gone = await cli(['endpoints', 'get', id]);
      expect(gone.status).toBe(1);
      expect(gone.stderr).toContain(
        `error: GET /v1/webhooks/${id} answered 404 Not Found (not-found).`,
      );
    },
  );
});
