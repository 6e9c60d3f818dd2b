// A naive reference of fair dispatch (the `SenderStorage.claimDue` contract, docs/design.md
// §5.17): endpoints with due work take turns, least recently claimed first (never claimed
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
  readonly maxPerEndpoint?: number | undefined;
  readonly inFlightByEndpoint?: ReadonlyMap<string, number> | undefined;
  readonly maxPerOrigin?: number | undefined;
  readonly inFlightByOrigin?: ReadonlyMap<string, number> | undefined;
  /** Each endpoint's origin (needed with `maxPerOrigin`). */
  readonly originOf?: ((endpointId: string) => string) | undefined;
  readonly reservedForIdle?: number | undefined;
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
  const byEndpoint = new Map<string, number>();
  const byOrigin = new Map<string, number>();
  const originOf = input.originOf ?? (() => '');
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
    const origin = originOf(endpointId);
    const originTaken = (input.inFlightByOrigin?.get(origin) ?? 0) + (byOrigin.get(origin) ?? 0);
    if (input.maxPerOrigin !== undefined && originTaken >= input.maxPerOrigin) {
      // Rooms only fill up during a claim: an endpoint out of room is out for the whole claim.
      for (const id of [...queues.keys()]) if (originOf(id) === origin) queues.delete(id);
      continue;
    }
    const endpointTaken =
      (input.inFlightByEndpoint?.get(endpointId) ?? 0) + (byEndpoint.get(endpointId) ?? 0);
    if (
      (input.maxPerEndpoint !== undefined && endpointTaken >= input.maxPerEndpoint) ||
      (endpointTaken > 0 && input.limit - taken.length <= (input.reservedForIdle ?? 0))
    ) {
      queues.delete(endpointId);
      continue;
    }
    taken.push(queue.shift() as WaitingDelivery);
    byEndpoint.set(
      endpointId,
      endpointTaken - (input.inFlightByEndpoint?.get(endpointId) ?? 0) + 1,
    );
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + 1);
    input.lastClaim.set(endpointId, input.nextClaimNumber());
    if (queue.length === 0) queues.delete(endpointId);
  }
  return taken;
}
