// PostgresStorage's retention: purgeBefore as one bounded statement.

/**
 * $1 cutoff ms, $2 limit. Deletes up to `limit` final deliveries last changed before the cutoff,
 * oldest `updated_at_ms` first (`deliveries_final_updated_idx`), picked `FOR UPDATE SKIP LOCKED`
 * (a delivery an attempt is being recorded for is left for the next call) and checked again on
 * their latest version; their attempts go with them (ON DELETE CASCADE). Then the events created
 * before the cutoff that have no delivery left: those whose last delivery this call deleted and,
 * when the call deleted fewer than `limit` (everything eligible is gone), every other such event
 * (`events_created_idx`). Returns how many deliveries it deleted.
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
),
swept AS (
  DELETE FROM ${events} AS e
  WHERE (SELECT count(*) FROM gone) < $2::integer AND e.created_at_ms < $1::float8
    AND e.id NOT IN (SELECT event_id FROM gone) AND ${noDeliveryLeft('e')}
)
SELECT count(*)::integer AS purged FROM gone`;
}
