// Publish and fan-out (docs/design.md §2): an event is validated against the catalog, strictly as a
// producer must (docs/design.md §5.24), matched against the organization's subscription index, and
// stored once with one delivery per matching endpoint (parked for an endpoint out of rotation,
// §5.3; failed for one that accepts no producible schema version, §5.7). Meta-events take the same
// path to the organization's other endpoints (§5.4).

import {
  type EventCatalogEntry,
  type EventCatalogVersion,
  getCatalogEntry,
  type UntypedEventDataMap,
} from '../../core/catalog/event-catalog.js';
import { quoteType, summarizeIssues, toIssues } from '../../core/catalog/internal/schema-kit.js';
import { negotiateSchemaVersion } from '../../core/catalog/negotiate-schema-version.js';
import { type ValidationIssue, WebhookValidationError } from '../../core/errors.js';
import { createId } from '../../core/ids.js';
import { describeValue } from '../../core/internal/describe-value.js';
import { typeIssueCode } from '../../core/internal/type-issue-code.js';
import type {
  DeliveryRecord,
  EndpointRecord,
  EventRecord,
  StoredFailureReason,
} from '../records.js';
import type { PublishInput, PublishResult } from '../webhook-sender.js';
import { assertOrganization } from './assert-organization.js';
import { newDeliveryRecord } from './new-delivery-record.js';
import { PARK_REASON } from './park-reason.js';
import type { SenderContext } from './sender-context.js';

/** A meta-event to emit about an endpoint (the dispatcher's `emitMeta`). */
export interface MetaEventInput {
  organizationUuid: string;
  type: string;
  data: Record<string, unknown>;
  excludeEndpointId: string;
}

/** The publish operations of `WebhookSender`, on its context. */
export class Publisher {
  readonly #context: SenderContext;

  constructor(context: SenderContext) {
    this.#context = context;
  }

  /** `WebhookSender.publish`. */
  async publish(input: PublishInput<UntypedEventDataMap>): Promise<PublishResult> {
    const { storage, hooks, subscriptions, allowUnknownEnumValues } = this.#context;
    const event = this.#buildEvent(input, allowUnknownEnumValues ? 'lenient' : 'strict');
    const org =
      subscriptions.freshLoaded(event.organizationUuid) ??
      (await subscriptions.organization(event.organizationUuid, true));
    const ids = org.index.match(event.type, event.partnerUuid);
    const deliveries = ids.flatMap((endpointId) => {
      const endpoint = org.endpoints.get(endpointId);
      return endpoint === undefined ? [] : [this.#newDelivery(event, endpoint)];
    });
    await storage.insertEvent(event, deliveries);
    hooks.emit('event.published', { event, deliveries: deliveries.length });
    this.#context.wake();
    return { event, deliveries: deliveries.length };
  }

  /**
   * Sends a meta-event to the organization's other ACTIVE endpoints that subscribe to it, never
   * to the endpoint concerned; `partnerUuid` null (docs/design.md §5.4).
   */
  async emitMeta(input: MetaEventInput): Promise<void> {
    const { storage, hooks, subscriptions, catalog } = this.#context;
    if (!catalog.entries.has(input.type)) return; // the EUDR catalog has no meta-events
    // The sender's own events: always strict, whatever the option says (docs/design.md §5.24).
    const event = this.#buildEvent(
      {
        organizationUuid: input.organizationUuid,
        type: input.type,
        data: input.data,
        partnerUuid: null,
        source: 'SYSTEM',
      },
      'meta',
    );
    const org = await subscriptions.organization(event.organizationUuid, true);
    const deliveries = org.index
      .match(event.type, null)
      .filter((id) => id !== input.excludeEndpointId)
      .flatMap((id) => {
        const endpoint = org.endpoints.get(id);
        return endpoint?.status === 'ACTIVE' ? [this.#newDelivery(event, endpoint)] : [];
      });
    await storage.insertEvent(event, deliveries);
    hooks.emit('event.published', { event, deliveries: deliveries.length });
    this.#context.wake();
  }

  /** `mode`: publish, strict or with `allowUnknownEnumValues`; or a meta-event (strict). */
  #buildEvent(
    input: PublishInput<UntypedEventDataMap>,
    mode: 'strict' | 'lenient' | 'meta',
  ): EventRecord {
    const { catalog, clock, random } = this.#context;
    // The operation the messages name: publish, or the sender's own meta-event.
    const fnName = mode === 'meta' ? 'meta-event' : 'publish';
    if (typeof input !== 'object' || input === null) {
      throw invalidEventInput(fnName, [
        {
          path: '',
          code: typeIssueCode(input),
          message: `expected an object, got ${describeValue(input)}`,
        },
      ]);
    }
    assertOrganization(input.organizationUuid);
    if (typeof input.type !== 'string' || !catalog.entries.has(input.type)) {
      throw invalidEventInput(fnName, [
        {
          path: 'type',
          code: typeof input.type === 'string' ? 'invalid_value' : typeIssueCode(input.type),
          message: `expected one of the ${catalog.types.length} catalog types, got ${describeValue(input.type)}`,
        },
      ]);
    }
    const entry = getCatalogEntry(catalog, input.type);
    const partnerUuid = input.partnerUuid ?? null;
    if (entry.scope === 'partner' && (typeof partnerUuid !== 'string' || partnerUuid === '')) {
      throw invalidEventInput(fnName, [
        {
          path: 'partnerUuid',
          code:
            partnerUuid === null
              ? 'required'
              : typeof partnerUuid === 'string'
                ? 'too_small'
                : 'invalid_type',
          message: `a ${entry.type} event concerns a partner: pass its partnerUuid`,
        },
      ]);
    }
    if (partnerUuid !== null && typeof partnerUuid !== 'string') {
      throw invalidEventInput(fnName, [
        { path: 'partnerUuid', code: 'invalid_type', message: 'expected a string or null' },
      ]);
    }
    const data = validateNewEventData(entry, input.data, {
      strict: mode !== 'lenient',
      fnName: mode === 'meta' ? `meta-event ${entry.type}` : fnName,
      // The option does not apply to meta-events: a hint about it would mislead.
      hintOption: mode === 'strict',
    });
    const event: EventRecord = {
      id: createId('event', random),
      organizationUuid: input.organizationUuid,
      type: entry.type,
      schemaVersion: entry.latestVersion,
      source: input.source ?? 'SYSTEM',
      partnerUuid: entry.scope === 'organization' ? null : partnerUuid,
      createdAtMs: clock.now(),
      data,
    };
    return event;
  }

  #newDelivery(event: EventRecord, endpoint: EndpointRecord): DeliveryRecord {
    const nowMs = event.createdAtMs;
    const version = negotiateSchemaVersion(this.#context.catalog, {
      type: event.type,
      acceptedSchemaVersions: endpoint.acceptedSchemaVersions,
      fromVersion: event.schemaVersion,
    });
    let parked: StoredFailureReason | null = null;
    if (endpoint.status !== 'ACTIVE') parked = PARK_REASON[endpoint.status];
    else if (version === null) parked = 'SCHEMA_VERSION_UNSUPPORTED';
    return newDeliveryRecord({
      id: createId('delivery', this.#context.random),
      event,
      endpointId: endpoint.id,
      schemaVersion: version ?? event.schemaVersion,
      nowMs,
      parked,
    });
  }
}

/**
 * Validates the `data` of a new event at its type's latest version, as a producer must
 * (docs/design.md §5.24): with the strict schema (enum values the catalog does not define are
 * refused) unless `strict` is false. Shared by publish, meta-events and test fire. With
 * `hintOption`, a failure due to enum values alone says how to allow them.
 *
 * @returns the parsed data (a new object; unknown fields kept).
 * @throws WebhookValidationError `invalid_event`, one issue per failing path (`data.decision`);
 *   like every message here, it names paths and expectations, never a value.
 */
export function validateNewEventData(
  entry: EventCatalogEntry,
  data: unknown,
  options: { readonly strict: boolean; readonly fnName: string; readonly hintOption: boolean },
): Record<string, unknown> {
  // The latest is the last: createEventCatalog keeps versions ascending, never empty.
  const version = entry.versions.at(-1) as EventCatalogVersion;
  const result = (options.strict ? version.strictSchema : version.schema).safeParse(data);
  if (result.success) return result.data;
  const issues = toIssues(result.error, data, ['data']);
  // Only enum values stand between the data and the lenient schema: say how to send it anyway.
  const onlyEnums =
    options.hintOption &&
    version.strictSchema !== version.schema &&
    version.schema.safeParse(data).success;
  throw new WebhookValidationError(
    'invalid_event',
    `${options.fnName}: invalid ${quoteType(entry.type)} data: ${summarizeIssues(issues)}.` +
      (onlyEnums
        ? ' A producer sends only the enum values its catalog defines; if your receivers know ' +
          'this one, create the sender with allowUnknownEnumValues: true.'
        : ''),
    { issues },
  );
}

/**
 * The `invalid_event_input` error of publish and test fire, listing every issue.
 *
 * @param fnName - the operation the message names (`publish`, `testEndpoint`).
 */
export function invalidEventInput(
  fnName: string,
  issues: readonly ValidationIssue[],
): WebhookValidationError {
  return new WebhookValidationError(
    'invalid_event_input',
    `${fnName}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}.`,
    { issues },
  );
}
