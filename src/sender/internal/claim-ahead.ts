// The pieces of the dispatcher's claiming ahead (docs/design.md §5.33) that need none of its state:
// the lease margin a waiting delivery must keep, whether claiming ahead can work at all with the
// sender's lease, the rooms a claim sees, and which endpoints changed while a claim ran.

import type { ClaimedDelivery } from '../ports/sender-storage.js';
import type { WaitingItem } from './waiting-lines.js';

/**
 * A claim must outlast a whole attempt by this much, ms: `leaseMs` must exceed the timeout by it,
 * and a waiting delivery starts only while its lease still does (one that could lapse mid-request
 * goes back unsent).
 */
export const LEASE_MARGIN_MS = 5_000;

/**
 * Below this wait window (`leaseMs - timeoutMs - LEASE_MARGIN_MS`), ms, deliveries claimed ahead
 * would go back almost at once: the dispatcher does not claim ahead.
 */
export const MIN_AHEAD_WAIT_MS = 1_000;

/**
 * Longest the loop goes without claiming while freed slots are refilled from the lines, ms: work
 * of other endpoints that became due meanwhile (a retry) is claimed at least this often.
 */
export const MAX_CLAIM_GAP_MS = 50;

/** A claimed delivery waiting in the worker for a slot of its endpoint. */
export interface Waiting extends WaitingItem {
  readonly claimed: ClaimedDelivery;
  /** When its claim's lease ends, epoch ms (the claim's `nowMs` + `leaseMs`). */
  readonly leaseEndsAtMs: number;
}

/** `claimAhead` as the dispatcher applies it: 0 when the lease leaves no time to wait. */
export function effectiveClaimAhead(
  claimAhead: number,
  leaseMs: number,
  timeoutMs: number,
): number {
  return leaseMs - timeoutMs - LEASE_MARGIN_MS >= MIN_AHEAD_WAIT_MS ? claimAhead : 0;
}

/** `counts` plus `extra`, per key (a new map; `counts` itself when `extra` is empty). */
export function plus(
  counts: ReadonlyMap<string, number>,
  extra: ReadonlyMap<string, number>,
): ReadonlyMap<string, number> {
  if (extra.size === 0) return counts;
  const sum = new Map(counts);
  for (const [key, n] of extra) sum.set(key, (sum.get(key) ?? 0) + n);
  return sum;
}

/** The endpoints changed while one claim ran (`all`: every endpoint, a resync). */
export interface ChangeWindow {
  all: boolean;
  readonly ids: Set<string>;
}

/**
 * The claims running now, each with the endpoint changes made since it began: what a claim
 * brings for a changed endpoint was read with its old record.
 */
export class ChangeWindows {
  readonly #open = new Set<ChangeWindow>();

  /** A claim begins: changes from now on are recorded for it until `close`. */
  open(): ChangeWindow {
    const window: ChangeWindow = { all: false, ids: new Set() };
    this.#open.add(window);
    return window;
  }

  close(window: ChangeWindow): void {
    this.#open.delete(window);
  }

  /** `endpointId` changed (every endpoint when absent). */
  changed(endpointId?: string): void {
    for (const window of this.#open) {
      if (endpointId === undefined) window.all = true;
      else window.ids.add(endpointId);
    }
  }
}

/** Whether `endpointId` changed within `window`. */
export function changedWithin(window: ChangeWindow | undefined, endpointId: string): boolean {
  return window !== undefined && (window.all || window.ids.has(endpointId));
}
