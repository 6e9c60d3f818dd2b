// The mock's token endpoint across `clearRequests()` (what the mock's `reset()` calls): a request
// it was still answering is answered, but not recorded in the emptied array.
import { describe, expect, it } from 'vitest';
import { createMockTokenEndpoint } from '../../../../src/testing/internal/mock-token-endpoint.js';

const TOKEN_URL = 'https://auth.example.test/token';

describe('createMockTokenEndpoint: clearRequests', () => {
  it('does not record a request it overtook, and still records the next one', async () => {
    const endpoint = createMockTokenEndpoint({
      clients: [
        {
          clientId: 'acme',
          clientSecret: 'acme-secret',
          caller: { organizationUuid: 'org-1', tier: 'STANDARD' },
        },
      ],
      lifetimeSeconds: 300,
      now: () => 0,
    });
    const form = 'grant_type=client_credentials&client_id=acme&client_secret=acme-secret';
    // A body that arrives only when the test says so: the endpoint is mid-request meanwhile.
    let finish: () => void = () => undefined;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        finish = () => {
          controller.enqueue(new TextEncoder().encode(form));
          controller.close();
        };
      },
    });
    const slow = endpoint.handle(
      new Request(TOKEN_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        duplex: 'half',
      } as RequestInit),
    );
    endpoint.clearRequests();
    finish();
    expect((await slow).status).toBe(200);
    expect(endpoint.requests).toEqual([]);
    const next = await endpoint.handle(
      new Request(TOKEN_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      }),
    );
    expect(next.status).toBe(200);
    expect(endpoint.requests).toHaveLength(1);
  });
});
