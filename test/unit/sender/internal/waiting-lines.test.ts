// The lines of deliveries claimed ahead (docs/design.md §5.33): one per endpoint in claim order,
// taking freed slots in turn, with the counts the claim's rooms read. Checked against a plain model
// (arrays and a list of endpoints in turn order) over random sequences of operations.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WaitingLines } from '../../../../src/sender/internal/waiting-lines.js';

interface Item {
  readonly endpointId: string;
  readonly origin: string;
  readonly n: number;
}

const ENDPOINTS = ['a', 'b', 'c', 'd'];
/** Endpoints a and b share an origin, as endpoints of one host do. */
const originOf = (endpointId: string) =>
  endpointId === 'b' ? 'https://a.example' : `https://${endpointId}.example`;

type Op =
  | { readonly kind: 'push'; readonly endpointId: string }
  | { readonly kind: 'take'; readonly ready: readonly string[] }
  | { readonly kind: 'drain'; readonly endpointId: string | undefined };

const endpoint = fc.constantFrom(...ENDPOINTS);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: endpoint.map((endpointId) => ({ kind: 'push' as const, endpointId })) },
  {
    weight: 4,
    arbitrary: fc
      .subarray(ENDPOINTS)
      .map((ready) => ({ kind: 'take' as const, ready: ready as readonly string[] })),
  },
  {
    weight: 1,
    arbitrary: fc
      .option(endpoint, { nil: undefined })
      .map((endpointId) => ({ kind: 'drain' as const, endpointId })),
  },
);

/** The model: a line per endpoint, and the endpoints with a line in turn order. */
class Model {
  readonly lines = new Map<string, Item[]>();
  order: string[] = [];

  push(item: Item): void {
    const line = this.lines.get(item.endpointId);
    if (line === undefined) {
      this.lines.set(item.endpointId, [item]);
      this.order.push(item.endpointId);
    } else line.push(item);
  }

  take(ready: (item: Item) => boolean): Item | undefined {
    for (const id of this.order) {
      const line = this.lines.get(id) as Item[];
      const head = line[0] as Item;
      if (!ready(head)) continue;
      line.shift();
      this.order = this.order.filter((x) => x !== id);
      if (line.length > 0) this.order.push(id);
      else this.lines.delete(id);
      return head;
    }
    return undefined;
  }

  drain(endpointId: string | undefined): Item[] {
    const ids = this.order.filter((id) => endpointId === undefined || id === endpointId);
    const taken = ids.flatMap((id) => this.lines.get(id) as Item[]);
    for (const id of ids) this.lines.delete(id);
    this.order = this.order.filter((id) => !ids.includes(id));
    return taken;
  }

  counts(key: (item: Item) => string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const line of this.lines.values()) {
      for (const item of line) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
    }
    return counts;
  }
}

const sorted = (counts: ReadonlyMap<string, number>) =>
  [...counts].sort(([a], [b]) => (a < b ? -1 : 1));

describe('WaitingLines', () => {
  it('behaves as the model: each line in claim order, lines in turn, counts per endpoint and origin', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const lines = new WaitingLines<Item>();
        const model = new Model();
        let n = 0;
        for (const o of ops) {
          if (o.kind === 'push') {
            const item = { endpointId: o.endpointId, origin: originOf(o.endpointId), n: n++ };
            lines.push(item);
            model.push(item);
          } else if (o.kind === 'take') {
            const ready = (item: Item) => o.ready.includes(item.endpointId);
            expect(lines.take(ready)).toBe(model.take(ready));
          } else {
            expect(lines.drain(o.endpointId)).toEqual(model.drain(o.endpointId));
          }
          expect(sorted(lines.byEndpoint)).toEqual(sorted(model.counts((i) => i.endpointId)));
          expect(sorted(lines.byOrigin)).toEqual(sorted(model.counts((i) => i.origin)));
          expect(lines.size).toBe([...model.lines.values()].reduce((s, l) => s + l.length, 0));
          for (const id of ENDPOINTS) {
            expect(lines.lengthOf(id)).toBe(model.lines.get(id)?.length ?? 0);
          }
        }
      }),
    );
  });

  it('every item pushed comes out exactly once, and an endpoint’s items in the order pushed', () => {
    fc.assert(
      fc.property(
        fc.array(endpoint, { maxLength: 60 }),
        fc.array(fc.subarray(ENDPOINTS)),
        (pushes, takes) => {
          const lines = new WaitingLines<Item>();
          for (const [n, endpointId] of pushes.entries()) {
            lines.push({ endpointId, origin: originOf(endpointId), n });
          }
          const out: Item[] = [];
          for (const ready of takes) {
            const item = lines.take((i) => ready.includes(i.endpointId));
            if (item !== undefined) out.push(item);
          }
          out.push(...lines.drain());
          expect(out.map((i) => i.n).sort((a, b) => a - b)).toEqual(pushes.map((_, n) => n));
          for (const id of ENDPOINTS) {
            const mine = out.filter((i) => i.endpointId === id).map((i) => i.n);
            // Taken ones in order, then the drained rest in order: the whole line stays in order.
            expect(mine).toEqual([...mine].sort((a, b) => a - b));
          }
          expect(lines.size).toBe(0);
          expect(lines.byEndpoint.size + lines.byOrigin.size).toBe(0);
        },
      ),
    );
  });

  it('a line that gave a slot goes to the back: two busy endpoints alternate, a third is not passed over', () => {
    const lines = new WaitingLines<Item>();
    for (let n = 0; n < 3; n++) {
      for (const endpointId of ['a', 'b', 'c']) {
        lines.push({ endpointId, origin: originOf(endpointId), n });
      }
    }
    const taken: string[] = [];
    for (let k = 0; k < 9; k++) taken.push(lines.take(() => true)?.endpointId ?? '-');
    expect(taken.join('')).toBe('abcabcabc');
    expect(lines.take(() => true)).toBeUndefined();
  });

  it('only heads are offered: a line whose head is not ready keeps its later items too', () => {
    const lines = new WaitingLines<Item>();
    lines.push({ endpointId: 'a', origin: 'o', n: 0 });
    lines.push({ endpointId: 'a', origin: 'o', n: 1 });
    expect(lines.take((i) => i.n === 1)).toBeUndefined();
    expect(lines.take((i) => i.n === 0)?.n).toBe(0);
    expect(lines.take((i) => i.n === 1)?.n).toBe(1);
  });
});
