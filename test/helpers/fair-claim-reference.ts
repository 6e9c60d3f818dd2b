// A naive reference of fair dispatch (the `SenderStorage.claimDue` contract, docs/design.md "Fair
// dispatch"): endpoints with due work take turns, least recently claimed first (never claimed
// before all others, ties by the oldest due delivery), and each endpoint gives its earliest due
// delivery (ties by the order deliveries became due). Property tests compare adapters with it.

/** A delivery waiting to be claimed, as the model sees it. */
export interface WaitingDelivery {
  readonly id: string;
  readonly endpointId: string;
  readonly dueMs: number;
  /** The order it became due (insertion, retry, release or lapse): the tie-break. */
  readonly seq: number;
}

/** Input of {@link fairClaimOrder}. */
export interface FairClaimInput {
  readonly nowMs: number;
  readonly limit: number;
  /** Endpoints whose turn is skipped in this claim. */
  readonly skipEndpointIds?: ReadonlySet<string> | undefined;
  /** Each endpoint's last claim, in any increasing numbering (absent: never claimed). */
  readonly lastClaim: Map<string, number>;
  /** Numbers for the claims made here, increasing and above every value in `lastClaim`. */
  readonly nextClaimNumber: () => number;
}

const earlier = (a: WaitingDelivery, b: WaitingDelivery): number =>
  a.dueMs - b.dueMs || a.seq - b.seq;

/**
 * The deliveries a fair claim takes from `waiting`, in claim order; updates `lastClaim` for the
 * endpoints it claimed for, as a storage would.
 */
export function fairClaimOrder(
  waiting: readonly WaitingDelivery[],
  input: FairClaimInput,
): WaitingDelivery[] {
  const queues = new Map<string, WaitingDelivery[]>();
  for (const item of [...waiting].sort(earlier)) {
    if (item.dueMs > input.nowMs || input.skipEndpointIds?.has(item.endpointId) === true) continue;
    const queue = queues.get(item.endpointId);
    if (queue === undefined) queues.set(item.endpointId, [item]);
    else queue.push(item);
  }
  const taken: WaitingDelivery[] = [];
  while (taken.length < input.limit && queues.size > 0) {
    let best: [string, WaitingDelivery[]] | undefined;
    for (const entry of queues) {
      if (best === undefined) {
        best = entry;
        continue;
      }
      const turn = (input.lastClaim.get(entry[0]) ?? 0) - (input.lastClaim.get(best[0]) ?? 0);
      if (
        turn < 0 ||
        (turn === 0 && earlier(entry[1][0] as WaitingDelivery, best[1][0] as WaitingDelivery) < 0)
      )
        best = entry;
    }
    const [endpointId, queue] = best as [string, WaitingDelivery[]];
    taken.push(queue.shift() as WaitingDelivery);
    input.lastClaim.set(endpointId, input.nextClaimNumber());
    if (queue.length === 0) queues.delete(endpointId);
  }
  return taken;
}
