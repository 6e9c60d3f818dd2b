// The pure pieces of claiming ahead (docs/design.md §5.33): the rooms a claim sees (`plus`),
// whether the lease leaves time to wait (`effectiveClaimAhead`), and the endpoint changes seen by
// each running claim (`ChangeWindows`).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ChangeWindows,
  changedWithin,
  effectiveClaimAhead,
  LEASE_MARGIN_MS,
  MIN_AHEAD_WAIT_MS,
  plus,
} from '../../../../src/sender/internal/claim-ahead.js';

const key = fc.constantFrom('a', 'b', 'c', 'd');
const counts = fc
  .array(fc.tuple(key, fc.integer({ min: 1, max: 50 })), { maxLength: 4 })
  .map((entries) => new Map(entries));

describe('plus', () => {
  it('adds per key, keeps keys of either side, and returns the first map itself when the second is empty', () => {
    fc.assert(
      fc.property(counts, counts, (a, b) => {
        const sum = plus(a, b);
        for (const k of new Set([...a.keys(), ...b.keys()])) {
          expect(sum.get(k)).toBe((a.get(k) ?? 0) + (b.get(k) ?? 0));
        }
        expect(sum.size).toBe(new Set([...a.keys(), ...b.keys()]).size);
        if (b.size === 0) expect(sum).toBe(a);
        // Never changes its inputs.
        expect(plus(a, new Map())).toBe(a);
      }),
    );
  });
});

describe('effectiveClaimAhead', () => {
  it('is claimAhead exactly when the lease leaves at least MIN_AHEAD_WAIT_MS after a whole attempt and its margin, else 0', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 120_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (claimAhead, timeoutMs, spare) => {
          const leaseMs = timeoutMs + LEASE_MARGIN_MS + spare;
          expect(effectiveClaimAhead(claimAhead, leaseMs, timeoutMs)).toBe(
            spare >= MIN_AHEAD_WAIT_MS ? claimAhead : 0,
          );
        },
      ),
    );
  });
});

describe('ChangeWindows', () => {
  type Op =
    | { readonly kind: 'open' }
    | { readonly kind: 'close'; readonly n: number }
    | { readonly kind: 'change'; readonly id: string | undefined };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.constant({ kind: 'open' as const }),
    fc.nat(5).map((n) => ({ kind: 'close' as const, n })),
    fc.option(key, { nil: undefined }).map((id) => ({ kind: 'change' as const, id })),
  );

  it('a window sees exactly the changes made while it was open', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const windows = new ChangeWindows();
        const open: { window: ReturnType<ChangeWindows['open']>; seen: (string | undefined)[] }[] =
          [];
        const closed: typeof open = [];
        for (const o of ops) {
          if (o.kind === 'open') open.push({ window: windows.open(), seen: [] });
          else if (o.kind === 'close') {
            const [entry] = open.splice(o.n % Math.max(1, open.length), 1);
            if (entry !== undefined) {
              windows.close(entry.window);
              closed.push(entry);
            }
          } else {
            windows.changed(o.id);
            for (const entry of open) entry.seen.push(o.id);
          }
        }
        for (const { window, seen } of [...open, ...closed]) {
          for (const id of ['a', 'b', 'c', 'd']) {
            expect(changedWithin(window, id)).toBe(seen.includes(undefined) || seen.includes(id));
          }
        }
        expect(changedWithin(undefined, 'a')).toBe(false);
      }),
    );
  });
});
