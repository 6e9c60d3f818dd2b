import { WebhookConflictError } from '../../core/errors.js';
import type { SenderStorage } from '../ports/sender-storage.js';
import type { EndpointRecord } from '../records.js';

/**
 * The stored endpoint of the organization.
 *
 * @throws WebhookConflictError `not_found` when it is not in this organization.
 */
export async function requireEndpoint(
  storage: SenderStorage,
  organizationUuid: string,
  endpointId: string,
): Promise<EndpointRecord> {
  const endpoint = await storage.getEndpoint(organizationUuid, endpointId);
  if (endpoint === null) throw endpointNotFound(endpointId);
  return endpoint;
}

/** The `not_found` error of an endpoint that is not in the caller's organization. */
export function endpointNotFound(endpointId: string): WebhookConflictError {
  return new WebhookConflictError(
    'not_found',
    `No endpoint ${typeof endpointId === 'string' ? endpointId.slice(0, 40) : ''} in this organization.`,
  );
}
