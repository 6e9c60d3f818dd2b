// Deliveries made on request rather than by publish: a replay of one delivery (docs/design.md §5.9),
// the recovery of an endpoint's failures over a time range, and a test fire (§5.8).

import { getCatalogEntry } from '../../core/catalog/event-catalog.js';
import { negotiateSchemaVersion } from '../../core/catalog/negotiate-schema-version.js';
import { ZERO_UUID } from '../../core/catalog/sample-events.js';
import { type ValidationIssue, WebhookConflictError } from '../../core/errors.js';
import { createId } from '../../core/ids.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import { typeIssueCode } from '../../core/internal/type-issue-code.js';
import { type DeliveryView, toDeliveryView } from '../delivery-view.js';
import type { DeliveryRecord, EndpointRecord, EventRecord } from '../records.js';
import { assertOrganization } from './assert-organization.js';
import { newDeliveryRecord } from './new-delivery-record.js';
import { invalidEventInput, validateNewEventData } from './publisher.js';
import { requireEndpoint } from './require-endpoint.js';
import type { SenderContext } from './sender-context.js';

/** The range of {@link ManualDeliveries.recover}. */
export interface RecoverRange {
  readonly since: string | number;
  readonly until?: string | number | undefined;
}

/** The test event of {@link ManualDeliveries.test}. */
export interface TestFireInput {
  readonly eventType: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly partnerUuid?: string | undefined;
}

/** Why a delivery cannot be replayed now (the replay refuses it; a recover skips it). */
export type ReplayRefusal =
  | 'still_pending'
  | 'test_fire'
  | 'outside_retention'
  | 'no_accepted_version';

/**
 * Whether a delivery can be replayed now: the schema version to replay it at, or why not (a
 * refusal and the message of the `invalid_state` error a replay throws for it).
 */
export type ReplayVersion =
  | { readonly ok: true; readonly version: number }
  | { readonly ok: false; readonly reason: ReplayRefusal; readonly message: string };

function refuse(reason: ReplayRefusal, message: string): ReplayVersion {
  return { ok: false, reason, message };
}

/** Replay, recover and test fire of `WebhookSender`, on its context. */
export class ManualDeliveries {
  readonly #context: SenderContext;

  constructor(context: SenderContext) {
    this.#context = context;
  }

  /** `WebhookSender.replayDelivery`. */
  async replay(
    organizationUuid: string,
    endpointId: string,
    deliveryId: string,
  ): Promise<DeliveryView> {
    const { storage } = this.#context;
    assertOrganization(organizationUuid);
    const endpoint = await requireEndpoint(storage, organizationUuid, endpointId);
    const original = await storage.getDelivery(organizationUuid, deliveryId);
    if (original === null || original.endpointId !== endpointId) {
      throw new WebhookConflictError('not_found', 'No such delivery for this endpoint.');
    }
    const replay = this.#replayOf(endpoint, original);
    await storage.insertDeliveries([replay]);
    this.#context.wake();
    return toDeliveryView(replay);
  }

  /** `WebhookSender.recoverDeliveries`. */
  async recover(
    organizationUuid: string,
    endpointId: string,
    range: RecoverRange,
  ): Promise<{ replayed: number }> {
    const { storage, clock } = this.#context;
    assertOrganization(organizationUuid);
    const endpoint = await requireEndpoint(storage, organizationUuid, endpointId);
    const sinceMs = readTime(range?.since, 'since');
    const untilMs = range?.until === undefined ? clock.now() : readTime(range.until, 'until');
    assertReplayable(endpoint);
    // Every delivery of the endpoint since the range start: a delivery that already has a replay
    // is not replayed again (a second recover of the same range replays nothing new), and each
    // chain of failed replays gets one new replay, of its latest link.
    const replayed = new Set<string>();
    const candidates: DeliveryRecord[] = [];
    for (let page = 0; ; page++) {
      const batch = await storage.listDeliveries({
        organizationUuid,
        endpointId,
        sinceMs: sinceMs - 1,
        page,
        size: 100,
        sortField: 'createdAt',
        sortDirection: 'asc',
      });
      for (const delivery of batch.items) {
        if (delivery.replayOf !== null) replayed.add(delivery.replayOf);
        if (delivery.status === 'FAILED' && delivery.createdAtMs < untilMs) {
          candidates.push(delivery);
        }
      }
      if ((page + 1) * 100 >= batch.totalElements) break;
    }
    const replays: DeliveryRecord[] = [];
    for (const delivery of candidates) {
      if (replayed.has(delivery.id)) continue;
      // Skipped, not fatal: test fires, deliveries outside retention (not purged yet), and
      // deliveries whose version the endpoint does not accept.
      const replay = this.#tryReplayOf(endpoint, delivery);
      if (replay !== null) replays.push(replay);
    }
    if (replays.length > 0) {
      await storage.insertDeliveries(replays);
      this.#context.wake();
    }
    return { replayed: replays.length };
  }

  /** `WebhookSender.testEndpoint`. */
  async test(
    organizationUuid: string,
    endpointId: string,
    input: TestFireInput,
  ): Promise<DeliveryView> {
    const { storage, catalog, clock, random } = this.#context;
    assertOrganization(organizationUuid);
    const endpoint = await requireEndpoint(storage, organizationUuid, endpointId);
    if (endpoint.status === 'DISABLED') {
      throw new WebhookConflictError(
        'invalid_state',
        'The endpoint is DISABLED; enable it to test it.',
      );
    }
    const issues: ValidationIssue[] = [];
    const eventType: unknown = input?.eventType;
    if (typeof eventType !== 'string' || !catalog.entries.has(eventType)) {
      issues.push({
        path: 'eventType',
        code: typeof eventType === 'string' ? 'invalid_value' : typeIssueCode(eventType),
        message: 'expected a catalog event type',
      });
    }
    const data: unknown = input?.data;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      issues.push({ path: 'data', code: typeIssueCode(data), message: 'expected an object' });
    }
    if (input?.partnerUuid !== undefined && typeof input.partnerUuid !== 'string') {
      issues.push({ path: 'partnerUuid', code: 'invalid_type', message: 'expected a string' });
    }
    if (issues.length > 0) throw invalidEventInput('testEndpoint', issues);
    const entry = getCatalogEntry(catalog, input.eventType);
    // Checked as publish checks it (docs/design.md §5.24), then sent verbatim (§5.8).
    validateNewEventData(entry, input.data, {
      strict: !this.#context.allowUnknownEnumValues,
      fnName: 'testEndpoint',
      hintOption: true,
    });
    const nowMs = clock.now();
    const event: EventRecord = {
      id: createId('event', random),
      organizationUuid,
      type: entry.type,
      schemaVersion: entry.latestVersion,
      source: 'SYSTEM',
      partnerUuid: input.partnerUuid ?? ZERO_UUID,
      createdAtMs: nowMs,
      data: { ...input.data },
    };
    const delivery = newDeliveryRecord({
      id: createId('delivery', random),
      event,
      endpointId,
      nowMs,
      test: true,
    });
    await storage.insertEvent(event, [delivery]);
    this.#context.wake();
    return toDeliveryView(delivery);
  }

  /** The version to replay `original` at on `endpoint` now, or why it cannot be replayed. */
  #replayVersion(endpoint: EndpointRecord, original: DeliveryRecord): ReplayVersion {
    const { catalog, clock, retentionMs } = this.#context;
    if (original.status === 'PENDING') {
      return refuse(
        'still_pending',
        'The delivery is still PENDING; only DELIVERED or FAILED deliveries can be replayed.',
      );
    }
    if (original.test) {
      return refuse('test_fire', 'A test fire cannot be replayed; fire a new test instead.');
    }
    if (original.createdAtMs < clock.now() - retentionMs) {
      return refuse('outside_retention', 'The delivery is outside the retention window.');
    }
    // The endpoint's accepted versions may have changed since (docs/design.md §5.7): negotiate again.
    const entry = catalog.entries.get(original.eventType);
    const version =
      entry === undefined
        ? original.schemaVersion
        : negotiateSchemaVersion(catalog, {
            type: original.eventType,
            acceptedSchemaVersions: endpoint.acceptedSchemaVersions,
          });
    return version === null
      ? refuse(
          'no_accepted_version',
          'The endpoint accepts no schema version this event can be sent at.',
        )
      : { ok: true, version };
  }

  #tryReplayOf(endpoint: EndpointRecord, original: DeliveryRecord): DeliveryRecord | null {
    const replay = this.#replayVersion(endpoint, original);
    return replay.ok ? this.#newReplay(original, replay.version) : null;
  }

  #replayOf(endpoint: EndpointRecord, original: DeliveryRecord): DeliveryRecord {
    assertReplayable(endpoint);
    const replay = this.#replayVersion(endpoint, original);
    if (!replay.ok) throw new WebhookConflictError('invalid_state', replay.message);
    return this.#newReplay(original, replay.version);
  }

  #newReplay(original: DeliveryRecord, schemaVersion: number): DeliveryRecord {
    const nowMs = this.#context.clock.now();
    return {
      ...original,
      id: createId('delivery', this.#context.random),
      schemaVersion,
      status: 'PENDING',
      attempts: 0,
      nextAttemptAtMs: nowMs,
      firstAttemptAtMs: null,
      lastAttemptAtMs: null,
      lastStatusCode: null,
      lastFailureReason: null,
      failureReason: null,
      test: false,
      replayOf: original.id,
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
    };
  }
}

function assertReplayable(endpoint: EndpointRecord): void {
  if (endpoint.status !== 'ACTIVE') {
    throw new WebhookConflictError(
      'invalid_state',
      `The endpoint is ${endpoint.status}; resume it (status ACTIVE) before replaying.`,
    );
  }
}

function readTime(value: unknown, name: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return Date.parse(value);
  throw invalidOption(
    name,
    `\`${name}\` must be an ISO 8601 date-time or epoch milliseconds.`,
    typeof value === 'string' ? 'invalid_format' : typeIssueCode(value),
  );
}
