// PostgresStorage's retention: purgeBefore as one bounded statement.

/**
 * $1 cutoff ms, $2 limit. Deletes up to `limit` final deliveries last changed before the cutoff,
 * oldest `updated_at_ms` first (`deliveries_final_updated_idx`), picked `FOR UPDATE SKIP LOCKED`
 * (a delivery an attempt is being recorded for is left for the next call) and checked again on
 * their latest version; their attempts go with them (ON DELETE CASCADE), and so do the events
 * created before the cutoff whose last delivery this call deleted (at most `limit`). Returns how
 * many deliveries it deleted. The other events without a delivery go with
 * {@link sweepStatement}.
 */
export function purgeStatement(schema: string): string {
  const deliveries = `${schema}.deliveries`;
  const events = `${schema}.events`;
  const noDeliveryLeft = (alias: string) => `NOT EXISTS (
    SELECT 1 FROM ${deliveries} AS x
    WHERE x.event_id = ${alias}.id AND x.id NOT IN (SELECT id FROM gone))`;
  return `WITH victims AS (
  SELECT id FROM ${deliveries}
  WHERE status <> 'PENDING' AND updated_at_ms < $1::float8
  ORDER BY updated_at_ms LIMIT $2::integer
  FOR UPDATE SKIP LOCKED
),
gone AS (
  DELETE FROM ${deliveries} AS d USING victims AS v
  WHERE d.id = v.id AND d.status <> 'PENDING' AND d.updated_at_ms < $1::float8
  RETURNING d.id, d.event_id
),
emptied AS (
  DELETE FROM ${events} AS e
  WHERE e.id IN (SELECT event_id FROM gone) AND e.created_at_ms < $1::float8
    AND ${noDeliveryLeft('e')}
)
SELECT count(*)::integer AS purged FROM gone`;
}

/**
 * $1 cutoff ms, $2 limit. Deletes up to `limit` events created before the cutoff that have no
 * delivery (none ever matched, or their last one went in an earlier call), oldest first
 * (`events_created_idx`), picked `FOR UPDATE SKIP LOCKED` and checked again: an insert of a
 * delivery for one of them (a replay) either waits and then finds it gone (`not_found`), or holds
 * it and the sweep passes it over. Returns how many it deleted: a caller repeats it until that is
 * less than `limit`, so no statement deletes an unbounded number of rows.
 */
export function sweepStatement(schema: string): string {
  const deliveries = `${schema}.deliveries`;
  const events = `${schema}.events`;
  const noDelivery = (alias: string) => `NOT EXISTS (
    SELECT 1 FROM ${deliveries} AS x WHERE x.event_id = ${alias}.id)`;
  return `WITH victims AS (
  SELECT e.id FROM ${events} AS e
  WHERE e.created_at_ms < $1::float8 AND ${noDelivery('e')}
  ORDER BY e.created_at_ms LIMIT $2::integer
  FOR UPDATE SKIP LOCKED
),
gone AS (
  DELETE FROM ${events} AS e USING victims AS v
  WHERE e.id = v.id AND ${noDelivery('e')}
  RETURNING e.id
)
SELECT count(*)::integer AS swept FROM gone`;
}
