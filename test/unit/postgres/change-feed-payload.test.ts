// The change feed's wire: channel names per schema (two schemas never share one), the endpoint
// payload's round trip, and the parser of notifications, which reads outside input (anyone who
// can connect may NOTIFY) and never throws.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WebhookValidationError } from '../../../src/core/errors.js';
import {
  changeFeedChannels,
  changeFeedSql,
  endpointChangePayload,
} from '../../../src/postgres/internal/change-feed-channels.js';
import {
  MAX_PAYLOAD_ID_LENGTH,
  safeParseChangeNotification,
} from '../../../src/postgres/internal/change-feed-payload.js';

const channels = changeFeedChannels('novatrade_webhooks');

/** Schema names `migrate` accepts: 1 to 63 of [a-z0-9_], no leading digit, not `pg_…`. */
const schemaName = fc
  .tuple(
    fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz_'),
    fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789_'), maxLength: 62 }),
  )
  .map(([first, rest]) => first + rest)
  .filter((name) => !name.startsWith('pg_'));

const id = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
  .filter((s) => s.length <= MAX_PAYLOAD_ID_LENGTH);

describe('changeFeedChannels', () => {
  it('names the default schema plainly', () => {
    expect(channels).toEqual({
      due: 'nwh_due_novatrade_webhooks',
      endpoints: 'nwh_ep_novatrade_webhooks',
    });
  });

  it('gives every valid schema two distinct lowercase channels of at most 63 characters', () => {
    fc.assert(
      fc.property(schemaName, (schema) => {
        const { due, endpoints } = changeFeedChannels(schema);
        expect(due).not.toBe(endpoints);
        for (const name of [due, endpoints]) {
          expect(name.length).toBeLessThanOrEqual(63);
          expect(name).toMatch(/^[a-z_][a-z0-9_]*$/);
        }
      }),
    );
  });

  it('never gives two schemas a channel in common, long names included', () => {
    fc.assert(
      fc.property(schemaName, schemaName, (a, b) => {
        fc.pre(a !== b);
        const ca = changeFeedChannels(a);
        const cb = changeFeedChannels(b);
        expect([ca.due, ca.endpoints]).not.toContain(cb.due);
        expect([ca.due, ca.endpoints]).not.toContain(cb.endpoints);
      }),
    );
    // Two 63-character names that differ only past what a channel keeps of them.
    const long = 'a'.repeat(62);
    expect(changeFeedChannels(`${long}b`).due).not.toBe(changeFeedChannels(`${long}c`).due);
  });

  it('refuses a schema migrate() would refuse, naming the option', () => {
    for (const bad of ['', 'Has-Caps', 'pg_catalog', '1abc', 'a'.repeat(64)]) {
      expect(() => changeFeedChannels(bad)).toThrow(WebhookValidationError);
    }
  });
});

describe('changeFeedSql', () => {
  it('quotes channels as literals and listens on both', () => {
    const sql = changeFeedSql('novatrade_webhooks');
    expect(sql.dueNotify).toBe("pg_notify('nwh_due_novatrade_webhooks', '')");
    expect(sql.endpointNotify('$1', '$2')).toBe(
      "pg_notify('nwh_ep_novatrade_webhooks', json_build_object('v', 1, 'o', ($1)::text, 'e', ($2)::text)::text)",
    );
    expect(sql.listen).toBe(
      'LISTEN "nwh_due_novatrade_webhooks"; LISTEN "nwh_ep_novatrade_webhooks"',
    );
  });
});

describe('safeParseChangeNotification', () => {
  it('reads back every endpoint payload endpointChangePayload writes', () => {
    fc.assert(
      fc.property(id, id, (organizationUuid, endpointId) => {
        const payload = endpointChangePayload({ organizationUuid, endpointId });
        expect(safeParseChangeNotification(channels, channels.endpoints, payload)).toEqual({
          kind: 'endpoint',
          organizationUuid,
          endpointId,
        });
      }),
    );
  });

  it("reads PostgreSQL's json_build_object text (spaces around the colons)", () => {
    const payload = '{"v" : 1, "o" : "550e8400-e29b-41d4-a716-446655440000", "e" : "ep_1"}';
    expect(safeParseChangeNotification(channels, channels.endpoints, payload)).toEqual({
      kind: 'endpoint',
      organizationUuid: '550e8400-e29b-41d4-a716-446655440000',
      endpointId: 'ep_1',
    });
  });

  it('never throws on any payload of the endpoint channel: an endpoint with valid ids, or garbled', () => {
    const payload = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc
        .record(
          { v: fc.oneof(fc.constant(1), fc.jsonValue()), o: fc.jsonValue(), e: fc.jsonValue() },
          { requiredKeys: [] },
        )
        .map((value) => JSON.stringify(value)),
      fc.constantFrom(undefined, null, 42, '', '[]', 'null', '{"__proto__":{"v":1}}'),
    );
    fc.assert(
      fc.property(payload, (input) => {
        const read = safeParseChangeNotification(channels, channels.endpoints, input);
        if (read.kind === 'endpoint') {
          for (const value of [read.organizationUuid, read.endpointId]) {
            expect(typeof value).toBe('string');
            expect(value.length).toBeGreaterThan(0);
            expect(value.length).toBeLessThanOrEqual(MAX_PAYLOAD_ID_LENGTH);
          }
        } else {
          expect(read).toEqual({ kind: 'garbled' });
        }
      }),
    );
  });

  it('refuses the wrong version, missing or empty or overlong ids, arrays and non-JSON', () => {
    const garbled = [
      '{"v":2,"o":"a","e":"b"}',
      '{"v":"1","o":"a","e":"b"}',
      '{"v":1,"o":"a"}',
      '{"v":1,"o":"","e":"b"}',
      `{"v":1,"o":"a","e":"${'x'.repeat(MAX_PAYLOAD_ID_LENGTH + 1)}"}`,
      '{"v":1,"o":1,"e":"b"}',
      '[1,"a","b"]',
      'not json',
      '',
    ];
    for (const payload of garbled) {
      expect(safeParseChangeNotification(channels, channels.endpoints, payload)).toEqual({
        kind: 'garbled',
      });
    }
  });

  it('reads anything on the due channel as due, and any other channel as other', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.constant(undefined)),
        fc.string(),
        (payload, channel) => {
          expect(safeParseChangeNotification(channels, channels.due, payload)).toEqual({
            kind: 'due',
          });
          fc.pre(channel !== channels.due && channel !== channels.endpoints);
          expect(safeParseChangeNotification(channels, channel, payload)).toEqual({
            kind: 'other',
          });
        },
      ),
    );
  });
});
