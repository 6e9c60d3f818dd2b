// The transport wrapper that remembers each endpoint's origin for `serve`'s attempt lines: requests
// pass through unchanged, only the origin is kept (never a path or query), the header is matched
// in any case, and the memory is bounded.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordEndpointOrigins } from '../../../../src/cli/serve/endpoint-origins.js';
import type {
  Transport,
  TransportRequest,
  TransportResult,
} from '../../../../src/sender/ports/transport.js';

const RESULT: TransportResult = {
  statusCode: 204,
  failureReason: null,
  responseBody: '',
  retryAfter: null,
  durationMs: 1,
};

function recorder(): Transport & { sent: TransportRequest[]; closed: number } {
  const sent: TransportRequest[] = [];
  const transport = {
    sent,
    closed: 0,
    connectionsPerOrigin: 7,
    async send(request: TransportRequest) {
      sent.push(request);
      return RESULT;
    },
    async close() {
      transport.closed += 1;
    },
  };
  return transport;
}

const request = (
  url: string,
  endpointId: string,
  header = 'X-Novatrade-Endpoint-Id',
): TransportRequest => ({
  url,
  body: '{}',
  headers: { [header]: endpointId, 'Content-Type': 'application/json' },
  timeoutMs: 1000,
});

describe('recordEndpointOrigins', () => {
  it('passes requests, results, connectionsPerOrigin and close through unchanged', async () => {
    const inner = recorder();
    const transport = recordEndpointOrigins(inner, 'X-Novatrade-Endpoint-Id');
    const sent = request('https://hooks.example.com/a?token=x', 'ep_1');
    expect(await transport.send(sent)).toBe(RESULT);
    expect(inner.sent).toEqual([sent]);
    expect(transport.connectionsPerOrigin).toBe(7);
    await transport.close?.();
    expect(inner.closed).toBe(1);
  });

  it("remembers the origin of each endpoint's last request, never its path or query", async () => {
    const transport = recordEndpointOrigins(recorder(), 'X-Webhook-Id');
    expect(transport.originOf('wh_1')).toBeNull();
    await transport.send(
      request('https://Hooks.Example.com:443/secret/path?token=abc', 'wh_1', 'x-webhook-id'),
    );
    expect(transport.originOf('wh_1')).toBe('https://hooks.example.com');
    await transport.send(request('http://127.0.0.1:4000/other', 'wh_1', 'X-WEBHOOK-ID'));
    expect(transport.originOf('wh_1')).toBe('http://127.0.0.1:4000');
    await transport.send(request('http://127.0.0.1:5000/', 'wh_2', 'X-Something-Else'));
    expect(transport.originOf('wh_2')).toBeNull();
  });

  it('keeps at most `max` endpoints, forgetting the least recently sent to (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 5 }),
        async (sends, max) => {
          const transport = recordEndpointOrigins(recorder(), 'X-Novatrade-Endpoint-Id', max);
          for (const n of sends)
            await transport.send(request(`https://h${n}.example/p`, `ep_${n}`));
          // A reference: the last `max` distinct endpoints in order of their last send.
          const recent: number[] = [];
          for (const n of sends) {
            const at = recent.indexOf(n);
            if (at !== -1) recent.splice(at, 1);
            recent.push(n);
          }
          const kept = new Set(recent.slice(-max));
          for (let n = 0; n <= 9; n++) {
            expect(transport.originOf(`ep_${n}`)).toBe(
              kept.has(n) ? `https://h${n}.example` : null,
            );
          }
        },
      ),
    );
  });
});
