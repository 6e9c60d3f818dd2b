/**
 * The notifier port: how the organization's admin hears that an endpoint was paused or disabled
 * by the health policy (docs/design.md §6.7: "emails your organization admin"; docs/design.md §5.4).
 * Called once per transition, after it is stored; a failing notifier is logged, never retried.
 */
export interface Notifier {
  endpointPaused(notice: EndpointPausedNotice): Promise<void> | void;
}

/** What the admin is told. No secret. */
export interface EndpointPausedNotice {
  readonly organizationUuid: string;
  readonly endpointId: string;
  readonly url: string;
  /** `PAUSED` (Novatrade24) or `DISABLED` (EUDR policy). */
  readonly status: 'PAUSED' | 'DISABLED';
  readonly reason: 'CONSECUTIVE_FAILURES' | 'FAILURE_DURATION';
  readonly consecutiveFailures: number;
  /** When the failure streak began, epoch ms. */
  readonly failingSinceMs: number | null;
  readonly atMs: number;
}
