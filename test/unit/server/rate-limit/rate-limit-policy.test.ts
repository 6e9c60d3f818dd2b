import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RATE_LIMITS,
  DEFAULT_WEBHOOK_PREFIXES,
  defaultBurstPer10s,
  type RateLimitTableInput,
  rateLimitCategoryOf,
  resolveRateLimitTable,
} from '../../../../src/server/internal/rate-limit/rate-limit-policy.js';
import { thrown } from '../../../helpers/thrown.js';

describe('rate-limit policy', () => {
  it('DEFAULT_RATE_LIMITS -> the published per-minute limits with a burst cap of floor(limit / 3)', () => {
    expect(DEFAULT_RATE_LIMITS).toEqual({
      STANDARD: {
        read: { perMinute: 300, burstPer10s: 100 },
        write: { perMinute: 60, burstPer10s: 20 },
        webhook: { perMinute: 10, burstPer10s: 3 },
      },
      HIGH_VOLUME: {
        read: { perMinute: 1000, burstPer10s: 333 },
        write: { perMinute: 200, burstPer10s: 66 },
        webhook: { perMinute: 30, burstPer10s: 10 },
      },
      ENTERPRISE: {
        read: { perMinute: 1000, burstPer10s: 333 },
        write: { perMinute: 200, burstPer10s: 66 },
        webhook: { perMinute: 30, burstPer10s: 10 },
      },
    });
    expect(Object.isFrozen(DEFAULT_RATE_LIMITS.STANDARD.webhook)).toBe(true);
  });

  it('defaultBurstPer10s(n) -> twice the average 10-second share, at least 1', () => {
    expect([1, 2, 3, 5, 6, 10, 60, 300].map(defaultBurstPer10s)).toEqual([
      1, 1, 1, 1, 2, 3, 20, 100,
    ]);
  });

  it('resolveRateLimitTable(undefined) -> the defaults; a given tier replaces only that tier', () => {
    expect(resolveRateLimitTable()).toBe(DEFAULT_RATE_LIMITS);
    const table = resolveRateLimitTable({
      ENTERPRISE: {
        read: { perMinute: 5000 },
        write: { perMinute: 1000, burstPer10s: 1000 },
        webhook: { perMinute: 100, burstPer10s: 50 },
      },
    });
    expect(table.ENTERPRISE).toEqual({
      read: { perMinute: 5000, burstPer10s: 1666 },
      write: { perMinute: 1000, burstPer10s: 1000 },
      webhook: { perMinute: 100, burstPer10s: 50 },
    });
    expect(table.STANDARD).toBe(DEFAULT_RATE_LIMITS.STANDARD);
  });

  it.each<[string, unknown, string, string]>([
    ['not an object', 5, 'tiers', 'invalid_type'],
    ['an unknown tier', { GOLD: {} }, 'tiers', 'unrecognized_key'],
    ['a tier that is not an object', { STANDARD: null }, 'tiers.STANDARD', 'invalid_type'],
    [
      'an unknown category',
      {
        STANDARD: {
          read: { perMinute: 1 },
          write: { perMinute: 1 },
          webhook: { perMinute: 1 },
          admin: {},
        },
      },
      'tiers.STANDARD',
      'unrecognized_key',
    ],
    [
      'a missing category',
      { STANDARD: { read: { perMinute: 1 }, write: { perMinute: 1 } } },
      'tiers.STANDARD.webhook',
      'required',
    ],
    [
      'a category that is not an object',
      { STANDARD: { read: 5, write: { perMinute: 1 }, webhook: { perMinute: 1 } } },
      'tiers.STANDARD.read',
      'invalid_type',
    ],
    [
      'perMinute 0',
      {
        HIGH_VOLUME: { read: { perMinute: 0 }, write: { perMinute: 1 }, webhook: { perMinute: 1 } },
      },
      'tiers.HIGH_VOLUME.read.perMinute',
      'too_small',
    ],
    [
      'perMinute 1.5',
      {
        HIGH_VOLUME: {
          read: { perMinute: 1.5 },
          write: { perMinute: 1 },
          webhook: { perMinute: 1 },
        },
      },
      'tiers.HIGH_VOLUME.read.perMinute',
      'invalid_type',
    ],
    [
      'perMinute missing',
      { HIGH_VOLUME: { read: {}, write: { perMinute: 1 }, webhook: { perMinute: 1 } } },
      'tiers.HIGH_VOLUME.read.perMinute',
      'required',
    ],
    [
      'burstPer10s above perMinute',
      {
        ENTERPRISE: {
          read: { perMinute: 1 },
          write: { perMinute: 1 },
          webhook: { perMinute: 10, burstPer10s: 11 },
        },
      },
      'tiers.ENTERPRISE.webhook.burstPer10s',
      'too_big',
    ],
  ])('resolveRateLimitTable(%s) -> invalid_option at %s', (_, tiers, path, code) => {
    const error = thrown(() => resolveRateLimitTable(tiers as RateLimitTableInput));
    expect(error.code).toBe('invalid_option');
    expect(error.issues).toEqual([expect.objectContaining({ path, code })]);
  });

  it.each<[string, string, string]>([
    ['GET', '/v1/webhooks', 'webhook'],
    ['GET', '/v1/webhooks/0b6a8c62-0000-4000-8000-000000000000/deliveries', 'webhook'],
    ['DELETE', '/v1/webhooks/abc', 'webhook'],
    ['POST', '/v1/webhooks', 'webhook'],
    ['POST', '/v1/events', 'write'],
    ['patch', '/v1/orders/1', 'write'],
    ['PUT', '/v1/orders/1', 'write'],
    ['GET', '/v1/me', 'read'],
    ['head', '/v1/orders', 'read'],
    ['GET', '/v1/webhooksx', 'read'],
    ['POST', '/v1/webhooksX', 'write'],
    ['GET', '/api/v1/integration/webhook-events', 'webhook'],
    ['GET', '/api/v1/integration/webhook-events/42', 'webhook'],
    ['POST', '/api/v1/integration/webhook-events/42/replay', 'webhook'],
    ['GET', '/api/v1/integration/webhook-eventsX', 'read'],
    ['DELETE', '/api/v1/integration/webhook-events-old/1', 'write'],
    ['GET', '/api/v1/integration', 'read'],
    ['GET', '/api/v1/integration/webhook-event', 'read'],
  ])('rateLimitCategoryOf(%s, %s) -> %s', (method, path, category) => {
    expect(rateLimitCategoryOf(method, path)).toBe(category);
    expect(rateLimitCategoryOf(method, path, DEFAULT_WEBHOOK_PREFIXES)).toBe(category);
  });

  it('DEFAULT_WEBHOOK_PREFIXES -> the management API and the EUDR management route, frozen', () => {
    expect(DEFAULT_WEBHOOK_PREFIXES).toEqual([
      '/v1/webhooks',
      '/api/v1/integration/webhook-events',
    ]);
    expect(Object.isFrozen(DEFAULT_WEBHOOK_PREFIXES)).toBe(true);
  });

  it.each<[string, string, string]>([
    ['GET', '/hooks', 'webhook'],
    ['POST', '/hooks/1', 'webhook'],
    ['GET', '/hooksX', 'read'],
    ['GET', '/v1/webhooks', 'read'], // not among the prefixes given
    ['POST', '/v1/webhooks/1', 'write'],
  ])('rateLimitCategoryOf(%s, %s, [/hooks]) -> %s', (method, path, category) => {
    expect(rateLimitCategoryOf(method, path, ['/hooks'])).toBe(category);
  });

  it('rateLimitCategoryOf with no webhook prefixes -> read or write only', () => {
    expect(rateLimitCategoryOf('GET', '/v1/webhooks', [])).toBe('read');
  });

  it.each<[string, unknown, string, string]>([
    ['a string', '/v1/webhooks', 'webhookPrefixes', 'invalid_type'],
    ['null', null, 'webhookPrefixes', 'invalid_type'],
    ['a number item', ['/v1/webhooks', 1], 'webhookPrefixes[1]', 'invalid_type'],
    ['a prefix without a leading slash', ['v1/webhooks'], 'webhookPrefixes[0]', 'invalid_format'],
    ['a prefix with a trailing slash', ['/v1/webhooks/'], 'webhookPrefixes[0]', 'invalid_format'],
    ['the root', ['/'], 'webhookPrefixes[0]', 'invalid_format'],
    ['an empty prefix', [''], 'webhookPrefixes[0]', 'invalid_format'],
  ])('rateLimitCategoryOf(GET, /x, %s) -> invalid_option at %s', (_, prefixes, path, code) => {
    const error = thrown(() => rateLimitCategoryOf('GET', '/x', prefixes as readonly string[]));
    expect(error.code).toBe('invalid_option');
    expect(error.issues).toEqual([expect.objectContaining({ path, code })]);
  });
});
