// The statement counter of bench/postgres.bench.ts: a pg Pool seen through a Proxy that counts and
// times every `query` call, the pool's own and those of the clients it hands out (`connect()`),
// so a transaction's BEGIN and COMMIT count as well. Everything else passes through to the pool
// (its `totalCount`, `options`, events), so the storage and the change feed see a plain pool.
// A statement's time is the wall time from the call to its answer, as the caller sees it: the wait
// for a free pool client included. Statements are sorted into kinds by their text (see `kindOf`).

import type pg from 'pg';

/** Count and summed ms of one kind of statement. */
export interface StatementTally {
  count: number;
  ms: number;
}

/** Tallies by statement kind. */
export type StatementTallies = Record<string, StatementTally>;

/**
 * The kind of a statement, from its text: the storage's statements are recognised by a phrase
 * only they contain (src/postgres/internal/storage/*.ts); anything else is `other`.
 */
export function kindOf(text: string): string {
  const head = text.trimStart().slice(0, 16).toUpperCase();
  if (head.startsWith('BEGIN')) return 'BEGIN';
  if (head.startsWith('COMMIT')) return 'COMMIT';
  if (head.startsWith('ROLLBACK')) return 'ROLLBACK';
  if (head.startsWith('LISTEN')) return 'LISTEN';
  if (text.includes('pending_endpoints')) return 'claimDue';
  if (text.includes('min(due_at_ms)')) return 'nextDueAtMs';
  if (text.includes('FOR NO KEY UPDATE') && text.includes('ORDER BY d.id FOR UPDATE')) {
    return 'record: lock rows';
  }
  if (/INSERT INTO \S+\.attempts/.test(text)) return 'record: write';
  if (text.includes('lease_owner = NULL')) return 'releaseClaim';
  if (/INSERT INTO \S+\.deliveries/.test(text)) return 'insert deliveries';
  if (/INSERT INTO \S+\.endpoints/.test(text)) return 'insertEndpoint';
  if (/DELETE FROM/i.test(text)) return 'purge';
  return 'other';
}

/** Counts statements by kind; `reset()` starts a new window. */
export class QueryCounter {
  #tallies: StatementTallies = {};

  record(text: string, ms: number): void {
    const kind = kindOf(text);
    const tally = this.#tallies[kind] ?? { count: 0, ms: 0 };
    tally.count++;
    tally.ms += ms;
    this.#tallies[kind] = tally;
  }

  reset(): void {
    this.#tallies = {};
  }

  /** A copy of the tallies since the last reset. */
  snapshot(): StatementTallies {
    return structuredClone(this.#tallies);
  }

  total(): number {
    return totalOf(this.#tallies);
  }
}

export function totalOf(tallies: StatementTallies): number {
  return Object.values(tallies).reduce((n, t) => n + t.count, 0);
}

/** Sums several windows' tallies. */
export function addTallies(all: readonly StatementTallies[]): StatementTallies {
  const sum: StatementTallies = {};
  for (const tallies of all) {
    for (const [kind, t] of Object.entries(tallies)) {
      const into = sum[kind] ?? { count: 0, ms: 0 };
      into.count += t.count;
      into.ms += t.ms;
      sum[kind] = into;
    }
  }
  return sum;
}

/**
 * `kind n (x.xx/attempt, y.y ms mean)` for each kind, most frequent first, per `attempts`.
 */
export function formatTallies(tallies: StatementTallies, attempts: number): string {
  return Object.entries(tallies)
    .sort(([, a], [, b]) => b.count - a.count)
    .map(
      ([kind, t]) =>
        `${kind} ${(t.count / attempts).toFixed(3)}/attempt (${(t.ms / t.count).toFixed(2)} ms mean)`,
    )
    .join(', ');
}

function textOf(first: unknown): string {
  if (typeof first === 'string') return first;
  const text = (first as { text?: unknown } | null)?.text;
  return typeof text === 'string' ? text : '';
}

/** `query` timed into `counter` (promise form only: the storage and the feed use no callbacks). */
function countingQuery(target: { query: (...args: unknown[]) => unknown }, counter: QueryCounter) {
  return (...args: unknown[]) => {
    const startedAt = performance.now();
    const result = target.query(...args);
    const text = textOf(args[0]);
    if (result instanceof Promise) {
      return result.finally(() => counter.record(text, performance.now() - startedAt));
    }
    counter.record(text, performance.now() - startedAt);
    return result;
  };
}

/** Methods bound to the target (pg's classes keep state on `this`). */
function passThrough(target: object, property: string | symbol): unknown {
  const value = Reflect.get(target, property, target);
  return typeof value === 'function' ? value.bind(target) : value;
}

function countingClient(client: pg.PoolClient, counter: QueryCounter): pg.PoolClient {
  const query = countingQuery(client as never, counter);
  return new Proxy(client, {
    get: (target, property) => (property === 'query' ? query : passThrough(target, property)),
  });
}

/** `pool` with every `query` of it and of its checked-out clients counted into `counter`. */
export function countingPool(pool: pg.Pool, counter: QueryCounter): pg.Pool {
  // pool.query checks a client out of the target itself: counted once, here.
  const query = countingQuery(pool as never, counter);
  const connect = async () => countingClient(await pool.connect(), counter);
  return new Proxy(pool, {
    get: (target, property) => {
      if (property === 'query') return query;
      if (property === 'connect') return connect;
      return passThrough(target, property);
    },
  });
}
