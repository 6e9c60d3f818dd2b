import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HealthPolicy } from '../../../src/core/retry/health-policy.js';
import type { DeliveryRecord } from '../../../src/sender/records.js';
import { DELIVERED, failedFinally, MINUTE_MS, retryAt, T0 } from '../sender-records.js';
import {
  addEndpoint,
  at,
  claim,
  delivery,
  LEASE_MS,
  NEVER_ISSUED_TOKEN,
  publish,
  record,
  type SenderStorageFactory,
  storageCases,
} from './fixtures.js';

/** The ledger property: random claims, records and releases keep every delivery consistent. */
export function describeLedger(make: SenderStorageFactory): void {
  const { withStorage } = storageCases(make);

  // ---------------------------------------------------------------------------------- ledger
  describe('ledger property', () => {
    type Op =
      | { kind: 'claim'; owner: string; limit: number; dtMs: number }
      | {
          kind: 'record';
          owner: string;
          which: number;
          outcome: 'success' | 'retry' | 'final';
          dtMs: number;
        }
      | { kind: 'release'; owner: string; which: number; dtMs: number };
    const owner = fc.constantFrom('worker-a', 'worker-b');
    const dtMs = fc.integer({ min: 0, max: 2 * LEASE_MS });
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        kind: fc.constant('claim' as const),
        owner,
        limit: fc.integer({ min: 1, max: 4 }),
        dtMs,
      }),
      fc.record({
        kind: fc.constant('record' as const),
        owner,
        which: fc.nat(3),
        outcome: fc.constantFrom('success' as const, 'retry' as const, 'final' as const),
        dtMs,
      }),
      fc.record({ kind: fc.constant('release' as const), owner, which: fc.nat(3), dtMs }),
    );
    // A policy that trips quickly, so that parking happens inside short runs.
    const policy: HealthPolicy = { maxConsecutiveFailures: 4, action: 'PAUSED' };

    it('random claims, records and releases keep every delivery PENDING xor final, final for good, with its attempts listed', () =>
      fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 40 }), (ops) =>
          withStorage(async (storage) => {
            const a = await addEndpoint(storage);
            const b = await addEndpoint(storage);
            const { deliveries: first } = await publish(storage, [a, b], T0);
            const { deliveries: second } = await publish(storage, [a, b], T0 + 1_000);
            const ids = [...first, ...second].map((d) => d.id);
            // Who holds each delivery's claim, with which token; and each worker's latest token
            // per delivery (what it records or releases with, as a real worker would).
            const holder = new Map<string, { token: string; leaseUntilMs: number }>();
            const tokens = new Map<string, Map<string, string>>();
            const tokenOfWorker = (owner: string, id: string) =>
              tokens.get(owner)?.get(id) ?? NEVER_ISSUED_TOKEN;
            const finals = new Map<string, DeliveryRecord['status']>();
            let now = T0;
            const snapshot = () => Promise.all(ids.map((id) => delivery(storage, id)));

            for (const step of ops) {
              now += step.dtMs;
              const before = await snapshot();
              if (step.kind === 'claim') {
                const claimable = before
                  .filter((d) => d.status === 'PENDING' && (d.nextAttemptAtMs as number) <= now)
                  .filter(
                    (d) => (holder.get(d.id)?.leaseUntilMs ?? Number.NEGATIVE_INFINITY) <= now,
                  );
                const claimed = await claim(storage, now, step.owner, { limit: step.limit });
                expect(claimed.length).toBe(Math.min(step.limit, claimable.length));
                const claimableIds = new Set(claimable.map((d) => d.id));
                for (const item of claimed) {
                  expect(claimableIds.has(item.delivery.id)).toBe(true);
                  holder.set(item.delivery.id, {
                    token: item.leaseToken,
                    leaseUntilMs: now + LEASE_MS,
                  });
                  const mine = tokens.get(step.owner) ?? new Map<string, string>();
                  mine.set(item.delivery.id, item.leaseToken);
                  tokens.set(step.owner, mine);
                }
                // Oldest first inside one endpoint (fair dispatch takes turns across them).
                for (const endpoint of [a, b]) {
                  const dues = claimed
                    .filter((item) => item.endpoint.id === endpoint.id)
                    .map((item) => item.delivery.nextAttemptAtMs as number);
                  expect(dues).toEqual([...dues].sort((x, y) => x - y));
                }
              } else {
                const id = at(ids, step.which);
                const token = tokenOfWorker(step.owner, id);
                const held = holder.get(id)?.token === token;
                if (step.kind === 'release') {
                  await storage.releaseClaim(id, token);
                  if (held) holder.delete(id);
                } else {
                  const current = at(before, step.which);
                  const decision =
                    step.outcome === 'success'
                      ? DELIVERED
                      : step.outcome === 'retry'
                        ? retryAt(now + MINUTE_MS)
                        : failedFinally();
                  const result = await record(storage, current, {
                    leaseToken: token,
                    atMs: now,
                    ok: step.outcome === 'success',
                    decision,
                    healthPolicy: policy,
                  });
                  expect(result !== null).toBe(held);
                  if (held) holder.delete(id);
                }
              }
              const after = await snapshot();
              for (const [i, d] of after.entries()) {
                const previous = at(before, i);
                expect(d.status === 'PENDING').toBe(d.nextAttemptAtMs !== null);
                expect(d.status === 'FAILED').toBe(d.failureReason !== null);
                expect(d.attempts).toBeGreaterThanOrEqual(previous.attempts);
                expect((await storage.listAttempts(d.id)).map((x) => x.attempt)).toEqual(
                  Array.from({ length: d.attempts }, (_, k) => k + 1),
                );
                const final = finals.get(d.id);
                if (final === 'DELIVERED') expect(d.status).toBe('DELIVERED');
                if (final === 'FAILED') expect(d.status).not.toBe('PENDING');
                if (d.status !== 'PENDING') finals.set(d.id, d.status);
              }
            }
          }),
        ),
        { numRuns: 60 },
      ));
  });
}
