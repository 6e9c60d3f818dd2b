import { describe, expect } from 'vitest';
import type {
  CompleteIdempotentInput,
  SenderStorage,
} from '../../../src/sender/ports/sender-storage.js';
import { bodyHash, idempotencyScope, ORG_A, ORG_B, T0 } from '../sender-records.js';
import {
  at,
  begin,
  IDEMPOTENCY_TTL_MS,
  IN_FLIGHT_TTL_MS,
  type SenderStorageFactory,
  storageCases,
} from './fixtures.js';

/** Idempotency records: `beginIdempotent`, `completeIdempotent`, `abandonIdempotent`. */
export function describeIdempotency(make: SenderStorageFactory): void {
  const { itWith } = storageCases(make);

  // ---------------------------------------------------------------------------- idempotency
  describe('idempotency records', () => {
    const SCOPE = idempotencyScope('key-1');
    const BODY = bodyHash('{"url":"https://receiver.example/webhooks","events":["order.*"]}');
    const OTHER_BODY = bodyHash('{"url":"https://other.example/webhooks","events":["order.*"]}');
    // A create response carries the endpoint's one-time secret: it must replay verbatim.
    const CREATED = {
      status: 201,
      body: '{"id":"wh_000001","secret":"whsec_one-time-secret"}',
    };
    const complete = (
      storage: SenderStorage,
      nowMs: number,
      overrides: Partial<CompleteIdempotentInput> = {},
    ) =>
      storage.completeIdempotent({
        scope: SCOPE,
        bodyHash: BODY,
        response: CREATED,
        nowMs,
        ttlMs: IDEMPOTENCY_TTL_MS,
        ...overrides,
      });

    itWith(
      'beginIdempotent on a new scope -> started; again with the same body -> in_flight; with another body -> mismatch',
      async (storage) => {
        expect(await begin(storage, SCOPE, BODY, T0)).toEqual({ outcome: 'started' });
        expect(await begin(storage, SCOPE, BODY, T0 + 1)).toEqual({ outcome: 'in_flight' });
        expect(await begin(storage, SCOPE, OTHER_BODY, T0 + 2)).toEqual({ outcome: 'mismatch' });
        expect(await begin(storage, SCOPE, BODY, T0 + 3)).toEqual({ outcome: 'in_flight' });
      },
    );

    itWith(
      'completeIdempotent -> the same body replays the stored response (one-time secret included), every time; another body -> mismatch',
      async (storage) => {
        await begin(storage, SCOPE, BODY, T0);
        await complete(storage, T0 + 100);
        expect(await begin(storage, SCOPE, BODY, T0 + 200)).toEqual({
          outcome: 'replay',
          response: CREATED,
        });
        expect(await begin(storage, SCOPE, OTHER_BODY, T0 + 300)).toEqual({
          outcome: 'mismatch',
        });
        const again = await begin(storage, SCOPE, BODY, T0 + 400);
        expect(again).toEqual({ outcome: 'replay', response: CREATED });
        // What came out is a copy.
        if (again.outcome === 'replay') (again.response as { status: number }).status = 500;
        expect(await begin(storage, SCOPE, BODY, T0 + 500)).toEqual({
          outcome: 'replay',
          response: CREATED,
        });
      },
    );

    itWith(
      'a completed record lives until completion + ttlMs: replayed just before, started again (any body) from then on',
      async (storage) => {
        await begin(storage, SCOPE, BODY, T0);
        await complete(storage, T0 + 100);
        const expiresAtMs = T0 + 100 + IDEMPOTENCY_TTL_MS;
        expect(await begin(storage, SCOPE, OTHER_BODY, expiresAtMs - 1)).toEqual({
          outcome: 'mismatch',
        });
        expect(await begin(storage, SCOPE, BODY, expiresAtMs - 1)).toEqual({
          outcome: 'replay',
          response: CREATED,
        });
        expect(await begin(storage, SCOPE, OTHER_BODY, expiresAtMs)).toEqual({
          outcome: 'started',
        });
        expect(await begin(storage, SCOPE, BODY, expiresAtMs + 1)).toEqual({
          outcome: 'mismatch',
        });
      },
    );

    itWith(
      'an in-flight record never completed (a crashed request) expires at begin + inFlightTtlMs -> started',
      async (storage) => {
        await begin(storage, SCOPE, BODY, T0);
        expect(await begin(storage, SCOPE, BODY, T0 + IN_FLIGHT_TTL_MS - 1)).toEqual({
          outcome: 'in_flight',
        });
        expect(await begin(storage, SCOPE, BODY, T0 + IN_FLIGHT_TTL_MS)).toEqual({
          outcome: 'started',
        });
        expect(await begin(storage, SCOPE, OTHER_BODY, T0 + IN_FLIGHT_TTL_MS + 1)).toEqual({
          outcome: 'mismatch',
        });
      },
    );

    itWith(
      'abandonIdempotent -> the key is free again: started, with any body',
      async (storage) => {
        await begin(storage, SCOPE, BODY, T0);
        await storage.abandonIdempotent(SCOPE, BODY);
        expect(await begin(storage, SCOPE, OTHER_BODY, T0 + 1)).toEqual({ outcome: 'started' });
      },
    );

    itWith(
      'abandonIdempotent with another body, of a completed record or of an unknown scope -> nothing changes',
      async (storage) => {
        await begin(storage, SCOPE, BODY, T0);
        await storage.abandonIdempotent(SCOPE, OTHER_BODY);
        await storage.abandonIdempotent(idempotencyScope('unknown'), BODY);
        expect(await begin(storage, SCOPE, BODY, T0 + 1)).toEqual({ outcome: 'in_flight' });
        await complete(storage, T0 + 2);
        await storage.abandonIdempotent(SCOPE, BODY);
        expect(await begin(storage, SCOPE, BODY, T0 + 3)).toEqual({
          outcome: 'replay',
          response: CREATED,
        });
      },
    );

    itWith(
      'completeIdempotent on a completed record -> the first response wins',
      async (storage) => {
        await begin(storage, SCOPE, BODY, T0);
        await complete(storage, T0 + 1);
        await complete(storage, T0 + 2, { response: { status: 500, body: 'late' } });
        expect(await begin(storage, SCOPE, BODY, T0 + 3)).toEqual({
          outcome: 'replay',
          response: CREATED,
        });
        // …and its expiry is still the first completion's.
        expect(await begin(storage, SCOPE, OTHER_BODY, T0 + 1 + IDEMPOTENCY_TTL_MS)).toEqual({
          outcome: 'started',
        });
      },
    );

    itWith(
      'completeIdempotent after its in-flight record expired -> stored; unless another body began the key meanwhile',
      async (storage) => {
        const late = T0 + IN_FLIGHT_TTL_MS + 1;
        await begin(storage, SCOPE, BODY, T0);
        await complete(storage, late);
        expect(await begin(storage, SCOPE, BODY, late + 1)).toEqual({
          outcome: 'replay',
          response: CREATED,
        });

        const other = idempotencyScope('key-2');
        await begin(storage, other, BODY, T0);
        expect(await begin(storage, other, OTHER_BODY, late)).toEqual({ outcome: 'started' });
        await complete(storage, late + 1, { scope: other });
        expect(await begin(storage, other, OTHER_BODY, late + 2)).toEqual({
          outcome: 'in_flight',
        });
        expect(await begin(storage, other, BODY, late + 2)).toEqual({ outcome: 'mismatch' });
      },
    );

    itWith('scopes are independent: organizations, routes and keys', async (storage) => {
      const scopes = [
        SCOPE,
        idempotencyScope('key-1', ORG_B),
        idempotencyScope('key-2'),
        `${ORG_A} PATCH /v1/webhooks/wh_000001 key-1`,
      ];
      for (const scope of scopes) {
        expect(await begin(storage, scope, BODY, T0)).toEqual({ outcome: 'started' });
      }
      await complete(storage, T0 + 1);
      await storage.abandonIdempotent(at(scopes, 1), BODY);
      expect(await begin(storage, at(scopes, 0), BODY, T0 + 2)).toEqual({
        outcome: 'replay',
        response: CREATED,
      });
      expect(await begin(storage, at(scopes, 1), OTHER_BODY, T0 + 2)).toEqual({
        outcome: 'started',
      });
      expect(await begin(storage, at(scopes, 2), BODY, T0 + 2)).toEqual({ outcome: 'in_flight' });
      expect(await begin(storage, at(scopes, 3), OTHER_BODY, T0 + 2)).toEqual({
        outcome: 'mismatch',
      });
    });

    itWith(
      '20 concurrent beginIdempotent with the same scope and body -> exactly one started, the others in_flight',
      async (storage) => {
        const results = await Promise.all(
          Array.from({ length: 20 }, () => begin(storage, SCOPE, BODY, T0)),
        );
        const outcomes = results.map((r) => r.outcome);
        expect(outcomes.filter((o) => o === 'started')).toHaveLength(1);
        expect(outcomes.filter((o) => o === 'in_flight')).toHaveLength(19);
      },
    );
  });
}
