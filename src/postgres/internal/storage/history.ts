// PostgresStorage's reads: an event, a delivery, a page of delivery history, a delivery's
// attempts, and the next due time. Each is one statement; none locks anything.

import type { DeliveryQuery } from '../../../sender/ports/sender-storage.js';
import { ATTEMPT_COLUMNS, deliveryColumns, eventColumns } from './rows.js';

/** The read statements for one schema. */
export function historyStatements(schema: string) {
  return {
    /** $1 organization, $2 id. */
    event: `SELECT ${eventColumns('ev')} FROM ${schema}.events AS ev
WHERE ev.id = $2 AND ev.organization_uuid = $1`,
    /** $1 organization, $2 id. */
    delivery: `SELECT ${deliveryColumns('d')} FROM ${schema}.deliveries AS d
WHERE d.id = $2 AND d.organization_uuid = $1`,
    /** $1 delivery id: in the order recorded. */
    attempts: `SELECT ${ATTEMPT_COLUMNS} FROM ${schema}.attempts WHERE delivery_id = $1 ORDER BY id`,
    /**
     * The earliest `due_at_ms` of a PENDING row (an unclaimed one's due time, a claimed one's
     * lease expiry), from the end of `deliveries_due_idx`.
     */
    nextDue: `SELECT min(due_at_ms) AS next FROM ${schema}.deliveries WHERE status = 'PENDING'`,
  };
}

/**
 * One page of history and the count of matches, in one statement: the count, and the page
 * (sorted, ties by id in the sort's direction; by last attempt, never-attempted deliveries last
 * in both directions) joined to it, so an empty page still carries the count. Values are bound;
 * the sort comes from the query's two enums only.
 */
export function listDeliveriesQuery(
  schema: string,
  query: DeliveryQuery,
): { text: string; values: unknown[] } {
  const values: unknown[] = [query.organizationUuid];
  const where = ['d.organization_uuid = $1'];
  const bind = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (query.endpointId !== undefined) where.push(`d.endpoint_id = ${bind(query.endpointId)}`);
  if (query.eventId !== undefined) where.push(`d.event_id = ${bind(query.eventId)}`);
  if (query.status !== undefined) where.push(`d.status = ${bind(query.status)}`);
  if (query.sinceMs !== undefined) where.push(`d.created_at_ms > ${bind(query.sinceMs)}`);
  const direction = query.sortDirection === 'desc' ? 'DESC' : 'ASC';
  const order =
    query.sortField === 'lastAttemptAt'
      ? `(d.last_attempt_at_ms IS NULL), d.last_attempt_at_ms ${direction}, d.id ${direction}`
      : `d.created_at_ms ${direction}, d.id ${direction}`;
  const limit = bind(query.size);
  const offset = bind(query.page * query.size);
  const matches = `FROM ${schema}.deliveries AS d WHERE ${where.join(' AND ')}`;
  return {
    text: `SELECT total.n AS total, page.* FROM (SELECT count(*)::integer AS n ${matches}) AS total
LEFT JOIN LATERAL (
  SELECT ${deliveryColumns('d')} ${matches} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}
) AS page ON true`,
    values,
  };
}
