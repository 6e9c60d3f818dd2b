import type { EndpointStatus, StoredFailureReason } from '../records.js';

/**
 * Why a delivery is parked on an endpoint out of rotation: FAILED with this reason, replayable
 * after a resume ("park, don't drop", docs/design.md §5.3).
 */
export const PARK_REASON = {
  PAUSED: 'ENDPOINT_PAUSED',
  DISABLED: 'ENDPOINT_DISABLED',
} as const satisfies Record<Exclude<EndpointStatus, 'ACTIVE'>, StoredFailureReason>;
