// The sender's endpoints: create, read, update (with park and resume, docs/design.md §5.3), delete,
// and secret rotation (docs/design.md §5.21). Each change goes to storage first, then into the
// organization's subscription index, so the next publish sees it.

import { WebhookConflictError } from '../../core/errors.js';
import { createId, createWebhookSecret } from '../../core/ids.js';
import { integerOptionOr } from '../../core/internal/integer-option.js';
import { HEALTHY } from '../../core/retry/health-policy.js';
import { type EndpointView, toEndpointView } from '../endpoint-view.js';
import type { EndpointChanges } from '../ports/sender-storage.js';
import type { EndpointRecord } from '../records.js';
import type { CreatedEndpoint } from '../webhook-sender.js';
import { assertOrganization } from './assert-organization.js';
import {
  assertCreateEndpointInput,
  assertSecretInput,
  assertUpdateEndpointInput,
  type CreateEndpointInput,
  isLiveSecret,
  type UpdateEndpointInput,
} from './endpoint-input.js';
import { PARK_REASON } from './park-reason.js';
import { endpointNotFound, requireEndpoint } from './require-endpoint.js';
import type { SenderContext } from './sender-context.js';

const MAX_LIVE_SECRETS = 3;
/** The default overlap of a rotation: the old secret keeps signing for a day. */
const DAY_MS = 24 * 60 * 60 * 1000;

/** Options of {@link EndpointRegistry.rotateSecret}. */
export interface RotateSecretOptions {
  readonly overlapMs?: number | undefined;
  readonly secret?: string | undefined;
}

/** The endpoint operations of `WebhookSender`, on its context (see the methods there). */
export class EndpointRegistry {
  readonly #context: SenderContext;

  constructor(context: SenderContext) {
    this.#context = context;
  }

  async create(organizationUuid: string, input: CreateEndpointInput): Promise<CreatedEndpoint> {
    const { storage, clock, random, subscriptions } = this.#context;
    assertOrganization(organizationUuid);
    assertCreateEndpointInput(input, this.#context.rules);
    const nowMs = clock.now();
    const secret = input.secret ?? this.#newSecret();
    const record: EndpointRecord = {
      id: createId('endpoint', random),
      organizationUuid,
      url: input.url,
      description: input.description ?? null,
      events: [...input.events],
      partnerIds: input.partnerIds == null ? null : [...input.partnerIds],
      acceptedSchemaVersions: [...(input.acceptedSchemaVersions ?? [1])],
      status: 'ACTIVE',
      secrets: [{ secret, createdAtMs: nowMs, expiresAtMs: null }],
      health: HEALTHY,
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
    };
    await storage.insertEndpoint(record);
    await subscriptions.cacheEndpoint(record);
    return { endpoint: toEndpointView(record, clock.now()), secret };
  }

  async get(organizationUuid: string, endpointId: string): Promise<EndpointView | null> {
    assertOrganization(organizationUuid);
    const record = await this.#context.storage.getEndpoint(organizationUuid, endpointId);
    return record === null ? null : toEndpointView(record, this.#context.clock.now());
  }

  async list(organizationUuid: string): Promise<EndpointView[]> {
    assertOrganization(organizationUuid);
    return (await this.#context.storage.listEndpoints(organizationUuid)).map((record) =>
      toEndpointView(record, this.#context.clock.now()),
    );
  }

  async update(
    organizationUuid: string,
    endpointId: string,
    patch: UpdateEndpointInput,
  ): Promise<EndpointView> {
    const { storage, clock, subscriptions } = this.#context;
    assertOrganization(organizationUuid);
    assertUpdateEndpointInput(patch, this.#context.rules);
    const current = await storage.getEndpoint(organizationUuid, endpointId);
    if (current === null) throw endpointNotFound(endpointId);
    const changes: { -readonly [K in keyof EndpointChanges]: EndpointChanges[K] } = {};
    if (patch.url !== undefined) changes.url = patch.url;
    if (patch.events !== undefined) changes.events = [...patch.events];
    if (patch.partnerIds !== undefined) {
      changes.partnerIds = patch.partnerIds === null ? null : [...patch.partnerIds];
    }
    if (patch.description !== undefined) changes.description = patch.description;
    if (patch.acceptedSchemaVersions !== undefined) {
      changes.acceptedSchemaVersions = [...patch.acceptedSchemaVersions];
    }
    let parkPending: 'ENDPOINT_PAUSED' | 'ENDPOINT_DISABLED' | undefined;
    let resetHealth = false;
    if (patch.status !== undefined && patch.status !== current.status) {
      changes.status = patch.status;
      if (patch.status === 'ACTIVE') resetHealth = true;
      else parkPending = PARK_REASON[patch.status];
    }
    const updated = await storage.updateEndpoint({
      organizationUuid,
      endpointId,
      changes,
      nowMs: clock.now(),
      parkPending,
      resetHealth,
    });
    if (updated === null) throw endpointNotFound(endpointId);
    this.#context.endpointChanged(endpointId);
    await subscriptions.cacheEndpoint(updated);
    if (resetHealth) this.#context.wake();
    return toEndpointView(updated, clock.now());
  }

  async delete(organizationUuid: string, endpointId: string): Promise<boolean> {
    assertOrganization(organizationUuid);
    const deleted = await this.#context.storage.deleteEndpoint(
      organizationUuid,
      endpointId,
      this.#context.clock.now(),
    );
    if (deleted) {
      this.#context.endpointChanged(endpointId);
      await this.#context.subscriptions.removeEndpoint(organizationUuid, endpointId);
    }
    return deleted;
  }

  async rotateSecret(
    organizationUuid: string,
    endpointId: string,
    options: RotateSecretOptions,
  ): Promise<{ secret: string }> {
    const { storage, clock, profile, subscriptions } = this.#context;
    assertOrganization(organizationUuid);
    const overlapMs = integerOptionOr('rotateSecret', 'overlapMs', options.overlapMs, DAY_MS, {
      min: 0,
    });
    assertSecretInput(options.secret, 'rotateSecret', profile.secretFormat);
    const endpoint = await requireEndpoint(storage, organizationUuid, endpointId);
    const nowMs = clock.now();
    const live = endpoint.secrets.filter((s) => s.expiresAtMs === null || s.expiresAtMs > nowMs);
    if (options.secret !== undefined && isLiveSecret(options.secret, live)) {
      throw new WebhookConflictError(
        'invalid_state',
        `rotateSecret: the secret passed is already live on this endpoint (one of its ${live.length} ` +
          'live secrets); rotating to it would sign every delivery twice with it. Pass a new ' +
          'secret, or omit `secret` to have one generated.',
      );
    }
    if (live.length >= MAX_LIVE_SECRETS) {
      throw new WebhookConflictError(
        'invalid_state',
        `The endpoint already has ${MAX_LIVE_SECRETS} live secrets; wait for an overlap to end.`,
      );
    }
    const secret = options.secret ?? this.#newSecret();
    const ending = nowMs + overlapMs;
    const secrets = [
      { secret, createdAtMs: nowMs, expiresAtMs: null },
      ...live.map((s) => ({
        ...s,
        expiresAtMs: s.expiresAtMs === null ? ending : Math.min(s.expiresAtMs, ending),
      })),
    ].filter((s) => s.expiresAtMs === null || s.expiresAtMs > nowMs);
    const updated = await storage.updateEndpoint({
      organizationUuid,
      endpointId,
      changes: { secrets },
      nowMs,
    });
    if (updated === null) throw endpointNotFound(endpointId);
    this.#context.endpointChanged(endpointId);
    await subscriptions.cacheEndpoint(updated);
    return { secret };
  }

  /** A new signing secret in the profile's format (docs/design.md §5.22). */
  #newSecret(): string {
    const { profile, random } = this.#context;
    return profile.secretFormat?.create(random) ?? createWebhookSecret(random);
  }
}
