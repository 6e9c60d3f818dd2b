// attemptSpanData, the pure step from a `delivery.attempted` payload to a span: its times are the
// attempt's, its attributes a fixed set with nothing from the response body, its error the
// failure reason. Known answers and properties over any payload.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DELIVERY_FAILURE_REASONS } from '../../../src/core/catalog/enum-values.js';
import { attemptSpanData, serverAttributes } from '../../../src/otel/internal/attempt-span.js';
import type { DeliveryAttemptPayload } from '../../../src/sender/sender-events.js';

const KEYS = new Set([
  'http.request.method',
  'http.response.status_code',
  'error.type',
  'webhooks.event.type',
  'webhooks.event.id',
  'webhooks.delivery.id',
  'webhooks.endpoint.id',
  'webhooks.attempt',
  'webhooks.delivery.status',
  'webhooks.delivery.test',
  'url.scheme',
  'server.address',
  'server.port',
]);

const START = '2026-01-01T00:00:01.250Z';

function payload(
  attempt: Partial<DeliveryAttemptPayload['attempt']>,
  delivery: Partial<DeliveryAttemptPayload['delivery']> = {},
): DeliveryAttemptPayload {
  return {
    delivery: {
      id: 'del_1',
      endpointId: 'wh_1',
      eventId: 'evt_1',
      eventType: 'compliance.decision_made',
      schemaVersion: 1,
      status: 'PENDING',
      httpStatus: null,
      attempts: 1,
      lastAttemptAt: START,
      nextRetryAt: null,
      createdAt: START,
      lastFailureReason: null,
      failureReason: null,
      test: false,
      replayOf: null,
      ...delivery,
    },
    attempt: {
      attempt: 1,
      startedAt: START,
      durationMs: 0,
      httpStatus: null,
      failureReason: null,
      responseBody: '',
      ...attempt,
    },
    origin: 'https://partner.example',
  };
}

describe('attemptSpanData', () => {
  it('a success: the method, the status, the ids, no error, times from startedAt and durationMs', () => {
    const span = attemptSpanData(
      payload({ httpStatus: 204, durationMs: 42, responseBody: 'ok' }, { status: 'DELIVERED' }),
    );
    expect(span).toEqual({
      startMs: Date.parse(START),
      endMs: Date.parse(START) + 42,
      error: null,
      attributes: {
        'http.request.method': 'POST',
        'http.response.status_code': 204,
        'webhooks.event.type': 'compliance.decision_made',
        'webhooks.event.id': 'evt_1',
        'webhooks.delivery.id': 'del_1',
        'webhooks.endpoint.id': 'wh_1',
        'webhooks.attempt': 1,
        'webhooks.delivery.status': 'DELIVERED',
        'webhooks.delivery.test': false,
        'url.scheme': 'https',
        'server.address': 'partner.example',
        'server.port': 443,
      },
    });
  });

  it.each([
    [
      'https://partner.example',
      { 'url.scheme': 'https', 'server.address': 'partner.example', 'server.port': 443 },
    ],
    [
      'http://partner.example',
      { 'url.scheme': 'http', 'server.address': 'partner.example', 'server.port': 80 },
    ],
    [
      'http://127.0.0.1:8081',
      { 'url.scheme': 'http', 'server.address': '127.0.0.1', 'server.port': 8081 },
    ],
    ['https://[::1]:9443', { 'url.scheme': 'https', 'server.address': '::1', 'server.port': 9443 }],
    ['not a url', {}],
    ['ftp://files.example', {}],
  ] as const)('the origin %s: %o', (origin, expected) => {
    expect(serverAttributes(origin)).toEqual(expected);
  });

  it('for any http(s) URL: the origin attributes name its host and port, never its path or query', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        const parsed = new URL(url);
        const span = attemptSpanData({ ...payload({}), origin: parsed.origin });
        expect(span.attributes['url.scheme']).toBe(parsed.protocol.slice(0, -1));
        expect(span.attributes['server.address']).toBe(parsed.hostname.replace(/^\[|\]$/g, ''));
        for (const value of Object.values(span.attributes)) {
          if (parsed.pathname.length > 1) expect(String(value)).not.toContain(parsed.pathname);
          if (parsed.search !== '') expect(String(value)).not.toContain(parsed.search);
        }
      }),
    );
  });

  it.each([
    ['HTTP_ERROR', 503, '503'],
    ['HTTP_ERROR', null, 'http_error'],
    ['TIMEOUT', null, 'timeout'],
    ['NETWORK_ERROR', null, 'network_error'],
    ['BLOCKED_DESTINATION', null, 'blocked_destination'],
    ['INTERNAL_ERROR', null, 'internal_error'],
  ] as const)('%s with status %s: error.type %s', (reason, httpStatus, type) => {
    const span = attemptSpanData(payload({ failureReason: reason, httpStatus }));
    expect(span.error).toBe(reason);
    expect(span.attributes['error.type']).toBe(type);
  });

  it('for any payload: the fixed attribute set, the attempt own times, nothing of the body', () => {
    fc.assert(
      fc.property(
        fc.record({
          attempt: fc.integer({ min: 1, max: 100 }),
          startMs: fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) }),
          durationMs: fc.integer({ min: 0, max: 120_000 }),
          httpStatus: fc.option(fc.integer({ min: 100, max: 599 }), { nil: null }),
          failureReason: fc.option(fc.constantFrom(...DELIVERY_FAILURE_REASONS), { nil: null }),
          body: fc.string({ minLength: 1 }),
          status: fc.constantFrom('PENDING', 'DELIVERED', 'FAILED' as const),
          test: fc.boolean(),
        }),
        (input) => {
          const marker = `BODY:${input.body}`;
          const span = attemptSpanData(
            payload(
              {
                attempt: input.attempt,
                startedAt: new Date(input.startMs).toISOString(),
                durationMs: input.durationMs,
                httpStatus: input.httpStatus,
                failureReason: input.failureReason,
                responseBody: marker,
              },
              { status: input.status, test: input.test },
            ),
          );
          expect(span.startMs).toBe(input.startMs);
          expect(span.endMs - span.startMs).toBe(input.durationMs);
          for (const key of Object.keys(span.attributes)) expect(KEYS.has(key)).toBe(true);
          for (const value of Object.values(span.attributes)) {
            expect(String(value)).not.toContain(marker);
          }
          expect(span.attributes['webhooks.attempt']).toBe(input.attempt);
          expect('http.response.status_code' in span.attributes).toBe(input.httpStatus !== null);
          expect(span.error).toBe(input.failureReason);
          expect('error.type' in span.attributes).toBe(input.failureReason !== null);
        },
      ),
    );
  });
});
