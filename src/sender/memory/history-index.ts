// The memory storage's delivery-history indexes: an event's and an endpoint's deliveries in
// insertion order (kept after the endpoint's deletion), and the history sort (docs/design.md §5.11).

import type { DeliveryQuery } from '../ports/sender-storage.js';
import type { StoredDelivery } from './stored-records.js';

/** Appends `value` to the list `key` of `index`, creating the list on first use. */
export function appendTo<V>(index: Map<string, V[]>, key: string, value: V): void {
  const list = index.get(key);
  if (list === undefined) index.set(key, [value]);
  else list.push(value);
}

/**
 * Takes the `count` deliveries of `gone` out of the history list `key`, keeping the others in
 * order, and drops the list once empty; returns how many are left. A list holds its deliveries in
 * insertion order, like the delivery map that `purgeBefore` walks, so the purged ones sit in the
 * part of the list that walk went through: only that prefix is rewritten, and a long list of a
 * busy endpoint is not copied on every batch.
 */
export function removeFromIndex(
  index: Map<string, StoredDelivery[]>,
  key: string,
  gone: ReadonlySet<StoredDelivery>,
  count: number,
): number {
  const list = index.get(key);
  if (list === undefined) return 0;
  // The prefix that holds all `count` of them.
  let end = 0;
  for (let found = 0; found < count && end < list.length; end++) {
    if (gone.has(list[end] as StoredDelivery)) found++;
  }
  // Its survivors move to the back of the prefix, in order; then the front is cut off.
  let write = end;
  for (let read = end - 1; read >= 0; read--) {
    const delivery = list[read] as StoredDelivery;
    if (!gone.has(delivery)) list[--write] = delivery;
  }
  list.splice(0, write);
  if (list.length === 0) index.delete(key);
  return list.length;
}

/**
 * The history order (docs/design.md §5.11): by creation or last attempt, ties by id in the same
 * direction; never-attempted deliveries sort after attempted ones in either direction.
 */
export function historyOrder(
  query: DeliveryQuery,
): (a: StoredDelivery, b: StoredDelivery) => number {
  const sign = query.sortDirection === 'asc' ? 1 : -1;
  const byId = (a: StoredDelivery, b: StoredDelivery) =>
    a.id < b.id ? -sign : a.id > b.id ? sign : 0;
  if (query.sortField === 'createdAt') {
    return (a, b) => sign * (a.createdAtMs - b.createdAtMs) || byId(a, b);
  }
  return (a, b) => {
    const aMs = a.history?.lastAttemptAtMs ?? null;
    const bMs = b.history?.lastAttemptAtMs ?? null;
    if (aMs === null || bMs === null) {
      if (aMs !== bMs) return aMs === null ? 1 : -1;
      return byId(a, b);
    }
    return sign * (aMs - bMs) || byId(a, b);
  };
}
