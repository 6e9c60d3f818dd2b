import type { EndpointRecord, EndpointStatus } from './records.js';

/**
 * An endpoint as the sender shows it: the WebhookEndpoint resource of docs/design.md §6.2, plus
 * `acceptedSchemaVersions` (docs/design.md §5.7) and the failure streak. Never holds a secret
 * (docs/design.md §5.14); `createEndpoint` returns the secret once, beside the view.
 */
export interface EndpointView {
  readonly id: string;
  readonly organizationUuid: string;
  readonly url: string;
  readonly description: string | null;
  readonly events: readonly string[];
  readonly partnerIds: readonly string[] | null;
  readonly acceptedSchemaVersions: readonly number[];
  readonly status: EndpointStatus;
  /** ISO 8601 UTC. */
  readonly createdAt: string;
  /** ISO 8601 UTC. */
  readonly updatedAt: string;
  /** Failed attempts in a row (docs/design.md §5.2). */
  readonly consecutiveFailures: number;
  /** When the current failure streak began (ISO 8601), or `null`. */
  readonly failingSince: string | null;
  /** How many secrets sign deliveries now (more than one during a rotation). */
  readonly liveSecrets: number;
}

/** The public view of a stored endpoint at `nowMs` (epoch ms): every field but the secrets. */
export function toEndpointView(record: EndpointRecord, nowMs: number): EndpointView {
  return {
    id: record.id,
    organizationUuid: record.organizationUuid,
    url: record.url,
    description: record.description,
    events: [...record.events],
    partnerIds: record.partnerIds === null ? null : [...record.partnerIds],
    acceptedSchemaVersions: [...record.acceptedSchemaVersions],
    status: record.status,
    createdAt: new Date(record.createdAtMs).toISOString(),
    updatedAt: new Date(record.updatedAtMs).toISOString(),
    consecutiveFailures: record.health.consecutiveFailures,
    failingSince:
      record.health.failingSinceMs === null
        ? null
        : new Date(record.health.failingSinceMs).toISOString(),
    liveSecrets: record.secrets.filter((s) => s.expiresAtMs === null || s.expiresAtMs > nowMs)
      .length,
  };
}
