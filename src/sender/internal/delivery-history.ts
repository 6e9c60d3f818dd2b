// Delivery history and its retention (docs/design.md §5.11): an endpoint's deliveries as views, one
// page at a time; one delivery with its attempts; and the purge of what retention lets go.

import {
  type AttemptView,
  type DeliveryView,
  toAttemptView,
  toDeliveryView,
} from '../delivery-view.js';
import type { DeliveryHistoryPage } from '../webhook-sender.js';
import { assertOrganization } from './assert-organization.js';
import { type DeliveryHistoryQuery, parseHistoryQuery } from './history-query.js';
import { purgeInBatches } from './purge-in-batches.js';
import { requireEndpoint } from './require-endpoint.js';
import type { SenderContext } from './sender-context.js';

/** The history operations of `WebhookSender`, on its context. */
export class DeliveryHistory {
  readonly #context: SenderContext;

  constructor(context: SenderContext) {
    this.#context = context;
  }

  /** `WebhookSender.listDeliveries`. */
  async list(
    organizationUuid: string,
    endpointId: string,
    query: DeliveryHistoryQuery | undefined,
  ): Promise<DeliveryHistoryPage> {
    const { storage } = this.#context;
    assertOrganization(organizationUuid);
    const parsed = parseHistoryQuery(query);
    await requireEndpoint(storage, organizationUuid, endpointId);
    const page = await storage.listDeliveries({
      organizationUuid,
      endpointId,
      status: parsed.status,
      sinceMs: parsed.sinceMs,
      page: parsed.page,
      size: parsed.size,
      sortField: parsed.sortField,
      sortDirection: parsed.sortDirection,
    });
    const totalPages = Math.ceil(page.totalElements / parsed.size);
    return {
      data: page.items.map(toDeliveryView),
      pagination: {
        page: parsed.page,
        size: parsed.size,
        totalElements: page.totalElements,
        totalPages,
        hasNext: parsed.page + 1 < totalPages,
        hasPrevious: parsed.page > 0,
      },
    };
  }

  /** `WebhookSender.getDelivery`. */
  async get(
    organizationUuid: string,
    endpointId: string,
    deliveryId: string,
  ): Promise<{ delivery: DeliveryView; attempts: AttemptView[] } | null> {
    const { storage } = this.#context;
    assertOrganization(organizationUuid);
    await requireEndpoint(storage, organizationUuid, endpointId);
    const record = await storage.getDelivery(organizationUuid, deliveryId);
    if (record === null || record.endpointId !== endpointId) return null;
    const attempts = await storage.listAttempts(deliveryId);
    return { delivery: toDeliveryView(record), attempts: attempts.map(toAttemptView) };
  }

  /**
   * `WebhookSender.purgeExpired`: batches of 1,000 until a batch comes back short.
   * @throws WebhookStorageError `storage_corrupt` when `purgeBefore` resolves anything but a whole
   *   number from 0 to its limit.
   */
  async purgeExpired(): Promise<number> {
    const { storage, clock, retentionMs } = this.#context;
    const cutoffMs = clock.now() - retentionMs;
    return purgeInBatches((limit) => storage.purgeBefore(cutoffMs, limit), {
      method: 'SenderStorage.purgeBefore',
    });
  }
}
