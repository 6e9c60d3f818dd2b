// PostgresStorage's claim: `claimDue` as one statement (one round trip), the memory schedule's fair
// turns (src/sender/memory/due-schedule.ts, docs/design.md §5.17) computed in SQL.
//
// The memory schedule's greedy loop (the endpoint whose turn it is gives its earliest due
// delivery, then goes to the back of the line) takes the deliveries in the order of
// (the delivery's rank within its endpoint, the endpoint's last claim, the endpoint's earliest due
// delivery): every endpoint gives one delivery per round, in the same order each round, because
// a claim stamps it after every endpoint claimed before. Rooms only fill up during a claim, so an
// endpoint or origin out of room stays out for the rest of it: the per-endpoint room is a LIMIT on
// each endpoint's candidates; the per-origin room and the reserve for idle endpoints depend on
// what was taken before, so a recursive walk goes down the ranked list once, counting.

import type { ClaimDueInput } from '../../../sender/ports/sender-storage.js';
import { deliveryColumns, endpointColumns, eventColumns } from './rows.js';

/** Most deliveries one claim takes (a larger `limit` takes this many; call again for more). */
export const MAX_CLAIM_LIMIT = 10_000;

/**
 * The claim statement. Parameters: $1 now ms, $2 limit, $3 lease ms, $4 owner, $5 endpoint ids to
 * skip, $6 max per endpoint (NULL: none), $7/$8 the caller's in-flight endpoint ids and counts,
 * $9 max per origin (NULL: none), $10/$11 in-flight origins and counts, $12 reserved for idle.
 *
 * Steps, each a CTE:
 * 1. `pending_endpoints`: every endpoint with a PENDING delivery, by a skip scan of
 *    `deliveries_endpoint_due_idx` (one index descent per endpoint, whatever its backlog).
 * 2. `lapsed`: claims whose lease lapsed (`deliveries_lease_idx`: as many as are in flight),
 *    locked SKIP LOCKED; each goes back in its endpoint's line in the place it had before its
 *    claim (its `due_seq` is kept, docs/design.md §5.29), as the memory schedule does.
 * 3. `turns`: those endpoints that may take part (not skipped, room left) with their origin, turn
 *    (`endpoint_turns.last_claimed`, read without a lock) and room: the least of `limit`,
 *    `maxPerEndpoint - inFlight` and `maxPerOrigin - inFlightByOrigin`.
 * 4. `candidates`: per endpoint, at most `room` rows from the head of its line: unclaimed due rows
 *    read in claim order from the index and locked `FOR UPDATE SKIP LOCKED` (rows another claim
 *    holds are passed over, never waited for, and a row another claim took and committed in
 *    between is checked again and dropped), merged with its lapsed ones.
 * 5. `ranked` / `line`: the candidates in claim order (rank within the endpoint, last claim,
 *    earliest due delivery, endpoint id), as arrays. `binding` (built once: referenced twice, so
 *    never inlined into the walk, where it would be rebuilt at every step) adds whether a rule can
 *    bind: an origin with more candidates than room, or a place within the reserve that would go
 *    to an endpoint with something in flight.
 * 6. `walk`: only when a rule can bind, down the line once, taking a candidate unless its origin
 *    is at its room or the places left are the reserve and its endpoint has something in flight;
 *    stops at `limit`. `chosen`: the walk's picks, or else the first `limit` of the line.
 * 7. `claimed`: the taken rows get the lease (due at its expiry, owner, a token from one block of
 *    `lease_token_seq` in claim order); the lapsed rows not taken wait again at their due time
 *    (their lapsed token still records until another claim replaces it).
 * 8. `stamped`: the claimed endpoints' turn rows, locked in id order and stamped from one block of
 *    `endpoint_turn_seq` with their last claim's place (never lowered).
 * The result: each claimed delivery with its event and endpoint, in claim order.
 *
 * Cost: one index descent per endpoint with PENDING deliveries, plus at most `room` rows read
 * and locked from the head of each endpoint with due work (and the rows in flight at that head,
 * passed over), plus the lapsed claims; never an endpoint's whole backlog. The line is sorted and
 * aggregated once; the walk, when it runs, reads it by position (at most `limit` + skipped steps).
 * PostgresStorage sends this text as a named statement, so a session plans it once. Locks:
 * delivery rows (SKIP LOCKED, never waited for), then turn rows in id order; never an endpoint row.
 */
export function claimStatement(schema: string): string {
  const deliveries = `${schema}.deliveries`;
  return `WITH RECURSIVE
pending_endpoints (endpoint_id) AS (
  (SELECT endpoint_id FROM ${deliveries} WHERE status = 'PENDING' ORDER BY endpoint_id LIMIT 1)
  UNION ALL
  SELECT (SELECT d.endpoint_id FROM ${deliveries} AS d
    WHERE d.status = 'PENDING' AND d.endpoint_id > p.endpoint_id ORDER BY d.endpoint_id LIMIT 1)
  FROM pending_endpoints AS p WHERE p.endpoint_id IS NOT NULL
),
lapsed AS (
  SELECT id, endpoint_id, next_attempt_at_ms, due_seq FROM ${deliveries}
  WHERE status = 'PENDING' AND claimed AND lease_until_ms <= $1::float8
  FOR UPDATE SKIP LOCKED
),
in_flight AS (SELECT * FROM unnest($7::text[], $8::integer[]) AS f(endpoint_id, n)),
origin_in_flight AS (SELECT * FROM unnest($10::text[], $11::integer[]) AS f(origin, n)),
turns AS (
  SELECT e.id AS endpoint_id, e.origin, t.last_claimed, coalesce(f.n, 0) AS in_flight,
    coalesce(o.n, 0) AS origin_in_flight,
    least($2::integer, $6::integer - coalesce(f.n, 0), $9::integer - coalesce(o.n, 0)) AS room
  FROM pending_endpoints AS p
  JOIN ${schema}.endpoints AS e ON e.id = p.endpoint_id
  JOIN ${schema}.endpoint_turns AS t ON t.endpoint_id = e.id
  LEFT JOIN in_flight AS f ON f.endpoint_id = e.id
  LEFT JOIN origin_in_flight AS o ON o.origin = e.origin
  WHERE p.endpoint_id IS NOT NULL AND NOT (e.id = ANY($5::text[]))
),
candidates AS (
  SELECT t.endpoint_id, t.origin, t.last_claimed, t.in_flight, t.origin_in_flight, c.id,
    c.next_attempt_at_ms, c.due_seq
  FROM turns AS t CROSS JOIN LATERAL (
    SELECT x.id, x.next_attempt_at_ms, x.due_seq FROM (
      SELECT u.id, u.next_attempt_at_ms, u.due_seq FROM (
        SELECT d.id, d.next_attempt_at_ms, d.due_seq FROM ${deliveries} AS d
        WHERE d.endpoint_id = t.endpoint_id AND d.status = 'PENDING' AND d.claimed = false
          AND d.next_attempt_at_ms <= $1::float8
        ORDER BY d.next_attempt_at_ms, d.due_seq LIMIT t.room
        FOR UPDATE SKIP LOCKED
      ) AS u
      UNION ALL
      SELECT l.id, l.next_attempt_at_ms, l.due_seq FROM lapsed AS l
      WHERE l.endpoint_id = t.endpoint_id
    ) AS x ORDER BY x.next_attempt_at_ms, x.due_seq LIMIT t.room
  ) AS c
  WHERE t.room > 0
),
ranked AS (
  SELECT c.*,
    row_number() OVER head - 1 AS rank,
    first_value(c.next_attempt_at_ms) OVER head AS head_at,
    first_value(c.due_seq) OVER head AS head_seq
  FROM candidates AS c
  WINDOW head AS (PARTITION BY c.endpoint_id ORDER BY c.next_attempt_at_ms, c.due_seq)
),
line AS (
  SELECT count(*)::integer AS n,
    array_agg(id ORDER BY rank, last_claimed, head_at, head_seq, endpoint_id) AS ids,
    array_agg(origin ORDER BY rank, last_claimed, head_at, head_seq, endpoint_id) AS origins,
    array_agg(in_flight + rank ORDER BY rank, last_claimed, head_at, head_seq, endpoint_id)
      AS endpoint_taken,
    array_agg(origin_in_flight ORDER BY rank, last_claimed, head_at, head_seq, endpoint_id)
      AS origin_taken,
    EXISTS (
      SELECT 1 FROM candidates AS c GROUP BY c.origin
      HAVING max(c.origin_in_flight) + count(*) > $9::integer
    ) AS origin_binds
  FROM ranked
),
binding AS (
  SELECT l.*, l.origin_binds OR EXISTS (
      SELECT 1 FROM unnest(l.endpoint_taken) WITH ORDINALITY AS t(taken, k)
      WHERE t.k > $2::integer - $12::integer AND t.k <= $2::integer AND t.taken > 0
    ) AS binds
  FROM line AS l
),
walk (pos, taken, by_origin, id) AS (
  SELECT 0, 0, '{}'::jsonb, NULL::text COLLATE "C" FROM binding WHERE binds
  UNION ALL
  SELECT w.pos + 1,
    w.taken + CASE WHEN s.ok THEN 1 ELSE 0 END,
    CASE WHEN s.ok
      THEN jsonb_set(w.by_origin, ARRAY[s.origin], to_jsonb(s.origin_count + 1))
      ELSE w.by_origin END,
    CASE WHEN s.ok THEN s.id END
  FROM walk AS w CROSS JOIN binding AS l
  CROSS JOIN LATERAL (
    SELECT l.ids[w.pos + 1] AS id, l.origins[w.pos + 1] AS origin,
      coalesce((w.by_origin ->> l.origins[w.pos + 1])::integer, 0) AS origin_count,
      ($9::integer IS NULL OR l.origin_taken[w.pos + 1]
          + coalesce((w.by_origin ->> l.origins[w.pos + 1])::integer, 0) < $9::integer)
        AND NOT (l.endpoint_taken[w.pos + 1] > 0 AND $2::integer - w.taken <= $12::integer)
        AS ok
  ) AS s
  WHERE w.pos < l.n AND w.taken < $2::integer
),
chosen AS (
  SELECT w.id, w.taken AS k FROM walk AS w WHERE w.id IS NOT NULL
  UNION ALL
  SELECT u.id, u.k::integer FROM binding AS l
  CROSS JOIN LATERAL unnest(l.ids) WITH ORDINALITY AS u(id, k)
  WHERE NOT l.binds AND u.k <= $2::integer
),
lease_block AS (SELECT nextval('${schema}.lease_token_seq') * 16777216 AS base),
claimed AS (
  UPDATE ${deliveries} AS d
  SET claimed = true, due_at_ms = $1::float8 + $3::float8, lease_owner = $4::text,
    lease_token = b.base + c.k, lease_until_ms = $1::float8 + $3::float8
  FROM chosen AS c CROSS JOIN lease_block AS b
  WHERE d.id = c.id
  RETURNING ${deliveryColumns('d')}, d.lease_token::text AS lease_token, c.k
),
requeued AS (
  UPDATE ${deliveries} AS d
  SET claimed = false, due_at_ms = d.next_attempt_at_ms
  FROM lapsed AS l
  WHERE d.id = l.id AND l.id NOT IN (SELECT id FROM chosen)
),
turn_locks AS (
  SELECT t.endpoint_id FROM ${schema}.endpoint_turns AS t
  WHERE t.endpoint_id IN (SELECT endpoint_id FROM claimed)
  ORDER BY t.endpoint_id FOR UPDATE
),
turn_block AS (SELECT nextval('${schema}.endpoint_turn_seq') * 16777216 AS base),
stamped AS (
  UPDATE ${schema}.endpoint_turns AS t
  SET last_claimed = greatest(t.last_claimed, b.base + m.k)
  FROM (SELECT endpoint_id, max(k) AS k FROM claimed GROUP BY endpoint_id) AS m
  CROSS JOIN turn_block AS b
  WHERE t.endpoint_id = m.endpoint_id AND t.endpoint_id IN (SELECT endpoint_id FROM turn_locks)
)
SELECT ${deliveryColumns('d', 'd_')}, d.lease_token, ${eventColumns('ev', 'ev_')},
  ${endpointColumns('ep', 'ep_')}
FROM claimed AS d
JOIN ${schema}.events AS ev ON ev.id = d.event_id
JOIN ${schema}.endpoints AS ep ON ep.id = d.endpoint_id
ORDER BY d.k`;
}

/** The values of {@link claimStatement}, in order. */
export function claimValues(input: ClaimDueInput, limit: number): unknown[] {
  const inFlight = [...(input.inFlightByEndpoint ?? new Map<string, number>())];
  const byOrigin = [...(input.inFlightByOrigin ?? new Map<string, number>())];
  return [
    input.nowMs,
    limit,
    input.leaseMs,
    input.owner,
    [...(input.skipEndpointIds ?? [])],
    input.maxPerEndpoint ?? null,
    inFlight.map(([id]) => id),
    inFlight.map(([, n]) => n),
    input.maxPerOrigin ?? null,
    byOrigin.map(([origin]) => origin),
    byOrigin.map(([, n]) => n),
    input.reservedForIdle ?? 0,
  ];
}
