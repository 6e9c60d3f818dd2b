// The ledger of a process test: what the sender's tables say about every delivery, set against
// what the loopback receiver saw. A crash may make a worker send an attempt it never records
// (kill -9 between the request and the record); such a send is a duplicate, and the tests bound
// how many there may be. Everything else must balance exactly.
import type { LoopbackReceiver, ReceivedRequest } from './loopback-receiver.js';

/** One delivery as the tables hold it. */
export interface LedgerRow {
  readonly id: string;
  readonly event_id: string;
  readonly endpoint_id: string;
  readonly status: string;
  readonly failure_reason: string | null;
  readonly attempts: number;
  /** Rows in `attempts` for the delivery. */
  readonly attempt_rows: number;
  /** Of those, answered 2xx. */
  readonly ok_attempts: number;
  /** Of those, TIMEOUT: the sender gave up, and the receiver may still have answered 2xx. */
  readonly timeout_attempts: number;
}

/** Something that runs a query: a pg Pool or Client. */
export interface Queryable {
  query(text: string): Promise<{ rows: unknown[] }>;
}

/** The query of {@link readLedger}: every delivery of `schema` with its attempt rows counted. */
export function ledgerSql(schema: string): string {
  return `SELECT d.id, d.event_id, d.endpoint_id, d.status, d.failure_reason, d.attempts,
       coalesce(a.n, 0)::int AS attempt_rows, coalesce(a.ok, 0)::int AS ok_attempts,
       coalesce(a.timeouts, 0)::int AS timeout_attempts
FROM "${schema}".deliveries d
LEFT JOIN (
  SELECT delivery_id, count(*) AS n,
         count(*) FILTER (WHERE status_code BETWEEN 200 AND 299) AS ok,
         count(*) FILTER (WHERE failure_reason = 'TIMEOUT') AS timeouts
  FROM "${schema}".attempts GROUP BY delivery_id
) a ON a.delivery_id = d.id
ORDER BY d.id`;
}

/** Every delivery of `schema` with its attempt rows counted, by id. */
export async function readLedger(db: Queryable, schema: string): Promise<LedgerRow[]> {
  const { rows } = await db.query(ledgerSql(schema));
  return rows as LedgerRow[];
}

/** How many deliveries of `schema` are in each status. */
export async function statusCounts(db: Queryable, schema: string): Promise<Record<string, number>> {
  const { rows } = await db.query(
    `SELECT status, count(*)::int AS n FROM "${schema}".deliveries GROUP BY status`,
  );
  return Object.fromEntries((rows as { status: string; n: number }[]).map((r) => [r.status, r.n]));
}

/** What was published: each event id and the endpoint id it must reach. */
export interface ExpectedDelivery {
  readonly eventId: string;
  readonly endpointId: string;
}

/** The balance of a ledger against the receiver. */
export interface LedgerBalance {
  readonly deliveries: number;
  readonly delivered: number;
  readonly failed: number;
  /** FAILED, by reason. */
  readonly failedBy: Record<string, number>;
  /** Published (event, endpoint) pairs without exactly one delivery. */
  readonly missing: readonly ExpectedDelivery[];
  /** Deliveries for no published pair, or a second one for a pair. */
  readonly unexpected: readonly LedgerRow[];
  /** Deliveries still PENDING (or in a status that is neither final one). */
  readonly notFinal: readonly LedgerRow[];
  /** FAILED without a reason. */
  readonly failedWithoutReason: readonly LedgerRow[];
  /** `attempts` differs from the attempt rows. */
  readonly attemptCountMismatch: readonly LedgerRow[];
  /** DELIVERED, yet the receiver never answered it 2xx. */
  readonly deliveredNeverAnswered2xx: readonly LedgerRow[];
  /** Attempt rows in the ledger. */
  readonly attempts: number;
  /** Requests the receiver saw (complete or not). */
  readonly requests: number;
  /**
   * Sends the ledger does not record: per delivery, requests seen beyond its attempt rows. Each
   * is an attempt that was in flight when its worker died (or lost its record).
   */
  readonly duplicateSends: number;
  /** Deliveries with such a send. */
  readonly deliveriesWithDuplicates: number;
  /** Per delivery, 2xx answers beyond the first: a delivery received successfully twice. */
  readonly duplicateSuccesses: number;
  /**
   * Per delivery, 2xx answers that neither a recorded 2xx attempt, nor a recorded TIMEOUT (the
   * receiver answered after the sender gave up), nor an unrecorded send explains. Must be 0.
   */
  readonly unexplainedSuccesses: number;
  /** Per delivery, attempt rows beyond the requests seen (attempts that never reached the receiver). */
  readonly unseenAttempts: number;
  /** Complete requests whose signature did not verify against the endpoint's secret. */
  readonly badSignatures: number;
  /** Requests cut off before their body ended (the sender died mid-request). */
  readonly incompleteRequests: number;
}

/** Sets the ledger against what was published and what the receiver saw. */
export function balanceLedger(
  rows: readonly LedgerRow[],
  expected: readonly ExpectedDelivery[],
  receiver: Pick<LoopbackReceiver, 'requests' | 'byDelivery'>,
): LedgerBalance {
  const byPair = new Map<string, LedgerRow[]>();
  for (const row of rows) {
    const key = `${row.event_id} ${row.endpoint_id}`;
    const list = byPair.get(key);
    if (list === undefined) byPair.set(key, [row]);
    else list.push(row);
  }
  const missing: ExpectedDelivery[] = [];
  const expectedKeys = new Set<string>();
  for (const pair of expected) {
    const key = `${pair.eventId} ${pair.endpointId}`;
    expectedKeys.add(key);
    if (byPair.get(key)?.length !== 1) missing.push(pair);
  }
  const unexpected: LedgerRow[] = [];
  for (const [key, list] of byPair) {
    if (!expectedKeys.has(key)) unexpected.push(...list);
    else unexpected.push(...list.slice(1));
  }
  const seen = receiver.byDelivery();
  const is2xx = (r: ReceivedRequest) => r.status !== undefined && r.status >= 200 && r.status < 300;
  let duplicateSends = 0;
  let deliveriesWithDuplicates = 0;
  let duplicateSuccesses = 0;
  let unexplainedSuccesses = 0;
  let unseenAttempts = 0;
  let attempts = 0;
  const failedBy: Record<string, number> = {};
  for (const row of rows) {
    attempts += row.attempt_rows;
    const requests = seen.get(row.id) ?? [];
    const extra = requests.length - row.attempt_rows;
    if (extra > 0) {
      duplicateSends += extra;
      deliveriesWithDuplicates += 1;
    } else unseenAttempts += -extra;
    const successes = requests.filter(is2xx).length;
    duplicateSuccesses += Math.max(0, successes - 1);
    unexplainedSuccesses += Math.max(
      0,
      successes - row.ok_attempts - row.timeout_attempts - Math.max(0, extra),
    );
    if (row.status === 'FAILED') {
      const reason = row.failure_reason ?? 'null';
      failedBy[reason] = (failedBy[reason] ?? 0) + 1;
    }
  }
  return {
    deliveries: rows.length,
    delivered: rows.filter((r) => r.status === 'DELIVERED').length,
    failed: rows.filter((r) => r.status === 'FAILED').length,
    failedBy,
    missing,
    unexpected,
    notFinal: rows.filter((r) => r.status !== 'DELIVERED' && r.status !== 'FAILED'),
    failedWithoutReason: rows.filter((r) => r.status === 'FAILED' && !r.failure_reason),
    attemptCountMismatch: rows.filter((r) => r.attempts !== r.attempt_rows),
    deliveredNeverAnswered2xx: rows.filter(
      (r) => r.status === 'DELIVERED' && !(seen.get(r.id) ?? []).some(is2xx),
    ),
    attempts,
    requests: receiver.requests.length,
    duplicateSends,
    deliveriesWithDuplicates,
    duplicateSuccesses,
    unexplainedSuccesses,
    unseenAttempts,
    badSignatures: receiver.requests.filter((r) => r.complete && r.signatureValid === false).length,
    incompleteRequests: receiver.requests.filter((r) => !r.complete).length,
  };
}

/** The balance's problems as counts and a few examples, for one readable assertion. */
export function ledgerProblems(balance: LedgerBalance): Record<string, unknown> {
  const few = <T>(list: readonly T[]) => ({ count: list.length, first: list.slice(0, 3) });
  return {
    missing: few(balance.missing),
    unexpected: few(balance.unexpected),
    notFinal: few(balance.notFinal),
    failedWithoutReason: few(balance.failedWithoutReason),
    attemptCountMismatch: few(balance.attemptCountMismatch),
    deliveredNeverAnswered2xx: few(balance.deliveredNeverAnswered2xx),
    badSignatures: balance.badSignatures,
    unexplainedSuccesses: balance.unexplainedSuccesses,
  };
}

/** What {@link ledgerProblems} gives for a ledger that balances. */
export const NO_LEDGER_PROBLEMS = {
  missing: { count: 0, first: [] },
  unexpected: { count: 0, first: [] },
  notFinal: { count: 0, first: [] },
  failedWithoutReason: { count: 0, first: [] },
  attemptCountMismatch: { count: 0, first: [] },
  deliveredNeverAnswered2xx: { count: 0, first: [] },
  badSignatures: 0,
  unexplainedSuccesses: 0,
};
