// The dispatcher: claims due deliveries with a lease, signs at send time, sends, records the
// attempt with the next step of the retry schedule, and reacts to health transitions with the
// notifier and meta-events (docs/design.md §2, §5.1, §5.2, §5.4). Scheduling is data: a due time per
// delivery in storage, never one timer per delivery. It is built from one narrow interface:
// settings (`DispatcherConfig`), the ports (`DispatcherPorts`) and `DispatcherHost`, the only calls
// back into the sender, so a test drives it with a fake host of three methods.

import { setMaxListeners } from 'node:events';
import { convertEventData } from '../../core/catalog/convert-event-data.js';
import type { EventCatalog } from '../../core/catalog/event-catalog.js';
import { META_EVENT_TYPES } from '../../core/catalog/event-types.js';
import { formatTimestamp } from '../../core/profiles/format-timestamp.js';
import type { OutboundEvent, WireProfile } from '../../core/profiles/wire-profile.js';
import type { RandomSource } from '../../core/random.js';
import { summarizeError } from '../../logging/internal/summarize-error.js';
import { nodeHmacSha256Base64 } from '../../signature/node-hmac-sha256-base64.node.js';
import { nodeHmacSha256Hex } from '../../signature/node-hmac-sha256-hex.node.js';
import { toAttemptView, toDeliveryView } from '../delivery-view.js';
import { toEndpointView } from '../endpoint-view.js';
import { originOf } from '../origin-of.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Notifier } from '../ports/notifier.js';
import type {
  ClaimedDelivery,
  RecordAttemptResult,
  SenderStorage,
} from '../ports/sender-storage.js';
import type { Transport, TransportResult } from '../ports/transport.js';
import type { AttemptRecord, DeliveryRecord, EndpointRecord, EventRecord } from '../records.js';
import {
  ChangeWindows,
  changedWithin,
  effectiveClaimAhead,
  LEASE_MARGIN_MS,
  MAX_CLAIM_GAP_MS,
  plus,
  type Waiting,
} from './claim-ahead.js';
import { decideAttempt } from './decide-attempt.js';
import type { HookBus } from './hook-bus.js';
import { LogThrottle } from './log-throttle.js';
import { maskedErrorSummary, secretValues } from './masked-error-summary.js';
import type { MetaEventInput } from './publisher.js';
import { RecordBacklog, type Slot } from './record-backlog.js';
import { WaitingLines } from './waiting-lines.js';

const META_TYPES: ReadonlySet<string> = new Set(META_EVENT_TYPES);

/**
 * The stop signal is shared by every in-flight request (up to `maxInFlight`), each adding one
 * abort listener: lift Node's 10-listener warning for this one signal.
 */
function newAbortController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}
const PARK_REASONS: ReadonlySet<string> = new Set([
  'ENDPOINT_PAUSED',
  'ENDPOINT_DISABLED',
  'ENDPOINT_DELETED',
  'SCHEMA_VERSION_UNSUPPORTED',
]);
/** Serialised bodies kept per (event, schema version): fan-out serialises once, not per endpoint. */
const BODY_CACHE_SIZE = 512;
/** Endpoint URLs whose origin is kept (parsing a URL per claimed delivery showed in profiles). */
const ORIGIN_CACHE_SIZE = 1024;

/** The calls that build a request, in order; a throw in one makes the attempt INTERNAL_ERROR. */
type BuildStage = 'convertEventData' | 'profile.serializeBody' | 'profile.buildHeaders';

/** What a log line says about a request that could not be built, by the call that threw. */
const NOT_BUILT: Readonly<Record<BuildStage, string>> = {
  convertEventData:
    "could not convert the event to the endpoint's schema version (the catalog's converter threw)",
  'profile.serializeBody': 'could not serialize the request body (profile.serializeBody threw)',
  'profile.buildHeaders':
    "could not sign the request (profile.buildHeaders threw): check that the endpoint's " +
    "secrets fit the profile's secret format (rotateSecret with overlapMs: 0 replaces them)",
};

/**
 * The dispatcher's settings: plain values fixed at construction (the sender's checked options,
 * its profile and catalog).
 */
export interface DispatcherConfig {
  /** Serialises, signs, times out, retries and counts health (docs/design.md §4). */
  readonly profile: WireProfile;
  /** Converts an event to an endpoint's schema version (docs/design.md §5.7). */
  readonly catalog: EventCatalog;
  /** This worker's name in claims. */
  readonly owner: string;
  readonly leaseMs: number;
  readonly maxInFlight: number;
  /** Of `maxInFlight`, the slots only endpoints with nothing in flight may take (§5.17). */
  readonly reservedInFlight: number;
  readonly maxInFlightPerEndpoint: number;
  /** The transport's connections per origin (`Infinity`: no cap, docs/design.md §5.18). */
  readonly maxInFlightPerOrigin: number;
  /**
   * Deliveries per endpoint the loop claims beyond its free slots, waiting in this process for a
   * slot of their endpoint (docs/design.md §5.33); 0: none.
   */
  readonly claimAhead: number;
  readonly pollIntervalMs: number;
  readonly purgeIntervalMs: number;
}

/** The ports the dispatcher works through: the sender's own, shared with its other modules. */
export interface DispatcherPorts {
  readonly storage: SenderStorage;
  readonly transport: Transport;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly hooks: HookBus;
  /** Hears about auto-paused endpoints; none when absent. */
  readonly notifier?: Notifier | undefined;
  /** Random bytes, for retry jitter. */
  readonly random: RandomSource;
}

/**
 * What the dispatcher calls back into: all it needs of the sender beyond the ports. A fake of
 * these three methods drives a dispatcher in a test.
 */
export interface DispatcherHost {
  /**
   * An attempt returned this endpoint record: bring the sender's endpoint cache up to date
   * before the attempt's hooks run. `undefined` when there was nothing to update (the usual
   * case: no wait at all).
   */
  endpointChanged(endpoint: EndpointRecord): Promise<void> | undefined;
  /**
   * Publishes a meta-event about an endpoint to its organization's other endpoints (docs/design.md
   * §5.4). A throw is logged and reported; the dispatcher carries on.
   */
  emitMeta(input: MetaEventInput): Promise<void>;
  /** Deletes what retention lets go (the sender's `purgeExpired`), every `purgeIntervalMs`. */
  purge(): Promise<unknown>;
}

/** What a {@link Dispatcher} is built from. */
export interface DispatcherDeps {
  readonly config: DispatcherConfig;
  readonly ports: DispatcherPorts;
  readonly host: DispatcherHost;
}

/** A uniform number in [0, 1) from 32 random bits. */
function randomFloat(random: RandomSource): number {
  const [a = 0, b = 0, c = 0, d = 0] = random(4);
  return (((a << 24) | (b << 16) | (c << 8) | d) >>> 0) / 2 ** 32;
}

/** How long `stop()` waits for aborted attempts to end before it leaves them behind, ms. */
const STOP_GRACE_MS = 5_000;

/** Counts one finished attempt off `counts` (absent means 0: the map holds live keys only). */
function decrement(counts: Map<string, number>, key: string): void {
  const left = (counts.get(key) ?? 1) - 1;
  if (left === 0) counts.delete(key);
  else counts.set(key, left);
}

const iso = (ms: number | null): string | undefined =>
  ms === null ? undefined : formatTimestamp(ms, 'seconds-when-whole');

export class Dispatcher {
  readonly #config: DispatcherConfig;
  readonly #ports: DispatcherPorts;
  readonly #host: DispatcherHost;
  readonly #randomFloat: () => number;
  /**
   * HTTP attempts in flight per endpoint id and per origin (the claim's rooms), and slots held by
   * an ended attempt while `maxInFlight` records already wait (the backlog's `held`). A delivery
   * whose record runs with its slot freed is in none of them: it is still leased in storage, so no
   * claim sees it, and its endpoint's turn was taken when it was claimed.
   */
  readonly #inFlight = new Map<string, number>();
  readonly #inFlightByOrigin = new Map<string, number>();
  /** Deliveries from their claim to the end of their record and its consequences. */
  readonly #running = new Set<Promise<void>>();
  /** Frees a slot when its attempt ends, while at most `maxInFlight` records wait to commit. */
  readonly #backlog: RecordBacklog;
  /** Bodies at their event's own schema version, by event id (no key to build per delivery). */
  readonly #bodies = new Map<string, string>();
  /** Bodies converted to another schema version, by `eventId:version`. */
  readonly #convertedBodies = new Map<string, string>();
  readonly #origins = new Map<string, string>();
  /**
   * Deliveries claimed ahead (§5.33), a line per endpoint in claim order: leased in storage, in
   * none of the rooms above until started.
   */
  readonly #waiting = new WaitingLines<Waiting>();
  /**
   * Endpoint changes while claims run: what a claim returns for a changed endpoint carries the
   * old record and goes back unsent.
   */
  readonly #changes = new ChangeWindows();
  /** `claimAhead`, or 0 when the lease leaves no time to wait (docs/design.md §5.33). */
  readonly #claimAhead: number;
  /** A line shorter than this after a freed slot took from it wakes the loop to claim. */
  readonly #lowWater: number;
  /** When the loop's last claim began (`clock.now()`). */
  #lastClaimAtMs = Number.NEGATIVE_INFINITY;
  /** A pump is running: a slot freed inside it leaves the refill to it (no recursion). */
  #pumping = false;
  #total = 0;
  #loop: Promise<void> | undefined;
  #stopping = false;
  #lastPurgeAtMs = Number.NEGATIVE_INFINITY;
  #wake: (() => void) | undefined;
  /** A wake-up arrived since the loop's last claim began: claim again before sleeping. */
  #woken = false;
  #abort = newAbortController();
  /** Repeated lines about one endpoint or call, held back (docs/design.md §5.23). */
  readonly #throttle = new LogThrottle();

  constructor(deps: DispatcherDeps) {
    this.#config = deps.config;
    this.#ports = deps.ports;
    this.#host = deps.host;
    this.#backlog = new RecordBacklog(deps.config.maxInFlight);
    this.#claimAhead = effectiveClaimAhead(
      deps.config.claimAhead,
      deps.config.leaseMs,
      deps.config.profile.timeoutMs,
    );
    this.#lowWater = Math.ceil(this.#claimAhead / 2);
    const { random } = deps.ports;
    this.#randomFloat = () => randomFloat(random);
  }

  /** Claims what is due now (within the caps), sends it, and waits for those attempts. */
  async processDue(): Promise<number> {
    const { started } = await this.#claimAndSend(false);
    await Promise.all(started);
    return started.length;
  }

  /** Most deliveries that may wait claimed ahead, in all (none when `ahead` is off). */
  #aheadRoom(ahead: boolean): number {
    return ahead && this.#claimAhead > 0 ? this.#config.maxInFlight - this.#waiting.size : 0;
  }

  /**
   * `more`: the claim was full, so more may be due right now. `claimedAtMs`: the claim's `nowMs`,
   * at which everything due and within the rooms was taken. `ahead`: also claim for the line of
   * waiting deliveries (`claimAhead`; the loop does, `processDue` does not).
   */
  async #claimAndSend(
    ahead: boolean,
  ): Promise<{ started: Promise<void>[]; more: boolean; claimedAtMs: number }> {
    const { storage, clock } = this.#ports;
    const { maxInFlight, maxInFlightPerEndpoint, maxInFlightPerOrigin } = this.#config;
    const { leaseMs, owner, reservedInFlight } = this.#config;
    const claimAhead = ahead ? this.#claimAhead : 0;
    const room = Math.max(0, maxInFlight - this.#total) + Math.max(0, this.#aheadRoom(ahead));
    const claimedAtMs = clock.now();
    if (room <= 0) return { started: [], more: false, claimedAtMs };
    const capOrigins = maxInFlightPerOrigin !== Number.POSITIVE_INFINITY;
    // Waiting deliveries hold their endpoint's and origin's places in the claim like those in
    // flight, within rooms larger by `claimAhead`.
    if (ahead) this.#lastClaimAtMs = claimedAtMs;
    const window = claimAhead > 0 ? this.#changes.open() : undefined;
    let claimed: readonly ClaimedDelivery[];
    try {
      claimed = await storage.claimDue({
        nowMs: claimedAtMs,
        limit: room,
        leaseMs,
        owner,
        maxPerEndpoint: maxInFlightPerEndpoint + claimAhead,
        inFlightByEndpoint: plus(this.#inFlight, this.#waiting.byEndpoint),
        reservedForIdle: reservedInFlight,
        ...(capOrigins
          ? {
              maxPerOrigin: maxInFlightPerOrigin + claimAhead,
              inFlightByOrigin: plus(this.#inFlightByOrigin, this.#waiting.byOrigin),
            }
          : {}),
      });
    } finally {
      if (window !== undefined) this.#changes.close(window);
    }
    const started: Promise<void>[] = [];
    const released: Promise<void>[] = [];
    let waited = 0;
    let changedBack = 0;
    const leaseEndsAtMs = claimedAtMs + leaseMs;
    // A delivery that could not start at once may wait only while its lease leaves time to.
    const mayWait = claimAhead > 0 && leaseEndsAtMs >= this.#startDeadline();
    for (const item of claimed) {
      const endpointId = item.endpoint.id;
      const origin = capOrigins ? this.#originOf(item.endpoint.url) : '';
      if (this.#stopping) {
        // stop() began while the claim ran: nothing more starts, nothing stays claimed.
        released.push(storage.releaseClaim(item.delivery.id, item.leaseToken));
      } else if (changedWithin(window, endpointId)) {
        // Its endpoint changed while the claim ran: claimed with the old record, claimed again.
        released.push(storage.releaseClaim(item.delivery.id, item.leaseToken));
        changedBack++;
      } else if (this.#waiting.lengthOf(endpointId) === 0 && this.#canStart(endpointId, origin)) {
        // Behind deliveries of its endpoint that already wait: its line keeps the claim order.
        started.push(this.#start(item, origin));
      } else if (mayWait && this.#mayWait(endpointId, origin, claimAhead)) {
        this.#waiting.push({ endpointId, origin, claimed: item, leaseEndsAtMs });
        waited++;
      } else {
        // Claimed beyond a room (a storage that ignores one): hand it back for a later round.
        released.push(storage.releaseClaim(item.delivery.id, item.leaseToken));
      }
    }
    // A delivery put in a line above may be able to start (its endpoint's line was not empty).
    if (waited > 0) started.push(...this.#pump());
    if (released.length > 0) {
      // One failed release must not fail the round: the attempts above are already running.
      for (const outcome of await Promise.allSettled(released)) {
        if (outcome.status === 'rejected') {
          this.#callFailed(
            'storage.releaseClaim',
            outcome.reason,
            {},
            'the delivery is claimed again when its lease lapses',
          );
        }
      }
      // Those handed back for a change are claimable again now, with the new record.
      if (changedBack > 0) this.wake();
    }
    // Only what was kept fills the room: deliveries handed back (a storage that ignored a room)
    // must not make the loop claim again at once, or it would take and release them for ever.
    return { started, more: claimed.length - released.length >= room, claimedAtMs };
  }

  /**
   * Whether a delivery of this endpoint and origin may start now: its endpoint and origin have
   * room, and a slot is free to it (the last `reservedInFlight` only to an endpoint with nothing
   * in flight, docs/design.md §5.17; the claim keeps the same rule).
   */
  #canStart(endpointId: string, origin: string): boolean {
    const { maxInFlight, maxInFlightPerEndpoint, maxInFlightPerOrigin } = this.#config;
    const count = this.#inFlight.get(endpointId) ?? 0;
    if (count >= maxInFlightPerEndpoint) return false;
    if ((this.#inFlightByOrigin.get(origin) ?? 0) >= maxInFlightPerOrigin) return false;
    const free = maxInFlight - this.#total;
    return count === 0 ? free > 0 : free > this.#config.reservedInFlight;
  }

  /**
   * Whether one more delivery of this endpoint and origin may wait: within the claim's rooms,
   * larger by `claimAhead` (a storage that ignores them gets the rest handed back).
   */
  #mayWait(endpointId: string, origin: string, claimAhead: number): boolean {
    const { maxInFlight, maxInFlightPerEndpoint, maxInFlightPerOrigin } = this.#config;
    const held = (this.#inFlight.get(endpointId) ?? 0) + this.#waiting.lengthOf(endpointId);
    const heldAtOrigin =
      (this.#inFlightByOrigin.get(origin) ?? 0) + (this.#waiting.byOrigin.get(origin) ?? 0);
    return (
      held < maxInFlightPerEndpoint + claimAhead &&
      heldAtOrigin < maxInFlightPerOrigin + claimAhead &&
      this.#waiting.size < maxInFlight
    );
  }

  /** A waiting delivery starts only while its lease ends after this, epoch ms. */
  #startDeadline(): number {
    return this.#ports.clock.now() + this.#config.profile.timeoutMs + LEASE_MARGIN_MS;
  }

  /**
   * Hands back unsent the waiting deliveries whose lease could lapse during an attempt, then
   * starts those that may start now, one line at a time in turn. Runs when a slot frees, after a
   * claim that put deliveries in a line, and at every turn of the loop.
   */
  #pump(): Promise<void>[] {
    const started: Promise<void>[] = [];
    if (this.#waiting.size === 0 || this.#stopping || this.#pumping) return started;
    // A delivery started here may free its slot before #start returns (a request that could not
    // be built): that slot's free() leaves the refill to this loop instead of recursing.
    this.#pumping = true;
    try {
      const deadline = this.#startDeadline();
      for (;;) {
        const late = this.#waiting.take((w) => w.leaseEndsAtMs < deadline);
        if (late === undefined) break;
        this.#handBack(late, 'its lease would lapse before an attempt could end');
      }
      while (this.#total < this.#config.maxInFlight) {
        const waiting = this.#waiting.take((w) => this.#canStart(w.endpointId, w.origin));
        if (waiting === undefined) break;
        started.push(this.#start(waiting.claimed, waiting.origin));
      }
    } finally {
      this.#pumping = false;
    }
    return started;
  }

  /** Hands a waiting delivery back to storage unsent (its claim released; tracked until done). */
  #handBack(waiting: Waiting, why: string): void {
    const { delivery, endpoint, leaseToken } = waiting.claimed;
    const work = this.#ports.storage.releaseClaim(delivery.id, leaseToken).then(
      // Claimable again once released: the loop claims it (and what else is due) at once.
      () => this.wake(),
      (error: unknown) =>
        this.#callFailed(
          'storage.releaseClaim',
          error,
          { deliveryId: delivery.id, endpointId: endpoint.id },
          `the delivery (handed back unsent: ${why}) is claimed again when its lease lapses`,
        ),
    );
    const tracked = work.finally(() => this.#running.delete(tracked));
    this.#running.add(tracked);
  }

  /**
   * Hands back, unsent, the waiting deliveries of `endpointId` (every endpoint's when absent): the
   * endpoint changed (its URL, secrets or status) after they were claimed with its old record.
   * They are claimed again with the new one; a release puts them at the back of their endpoint's
   * line (docs/design.md §5.29).
   */
  endpointChanged(endpointId?: string): void {
    this.#changes.changed(endpointId);
    // The releases wake the loop when they are done (#handBack).
    this.#handBackWaiting(endpointId, 'its endpoint changed after the claim');
  }

  /** Hands back every waiting delivery of `endpointId` (of every endpoint when absent). */
  #handBackWaiting(endpointId: string | undefined, why: string): number {
    const waiting = this.#waiting.drain(endpointId);
    for (const w of waiting) this.#handBack(w, why);
    return waiting.length;
  }

  /** Starts a claimed delivery in a slot of its endpoint and origin. */
  #start(item: ClaimedDelivery, origin: string): Promise<void> {
    const endpointId = item.endpoint.id;
    this.#inFlight.set(endpointId, (this.#inFlight.get(endpointId) ?? 0) + 1);
    this.#inFlightByOrigin.set(origin, (this.#inFlightByOrigin.get(origin) ?? 0) + 1);
    this.#total++;
    const slot: Slot = {
      state: 'sending',
      free: () => {
        decrement(this.#inFlight, endpointId);
        decrement(this.#inFlightByOrigin, origin);
        this.#total--;
        // A waiting delivery takes the slot at once. Refilled, with this endpoint's line still at
        // least half full, no room appeared for other work: no claim until the line runs low (or
        // MAX_CLAIM_GAP_MS since the last claim, for work of other endpoints due meanwhile), so
        // claims come in batches instead of one per freed slot (§5.33).
        const inFlightAfterFree = this.#total;
        this.#pump();
        if (
          inFlightAfterFree === this.#total ||
          this.#waiting.lengthOf(endpointId) < this.#lowWater ||
          this.#ports.clock.now() - this.#lastClaimAtMs >= MAX_CLAIM_GAP_MS
        ) {
          this.wake();
        }
      },
    };
    const work = this.#deliver(item, slot).finally(() => {
      this.#backlog.done(slot);
      this.#running.delete(work);
    });
    this.#running.add(work);
    return work;
  }

  /**
   * Signs and sends one claimed delivery, then records the attempt and its consequences. The slot
   * is handed to the backlog as soon as the attempt has a result: freed then, or held while
   * `maxInFlight` records already wait; the claim's `.finally` ends it.
   */
  async #deliver(claimed: ClaimedDelivery, slot: Slot): Promise<void> {
    const { delivery, event, endpoint, leaseToken } = claimed;
    const { clock, transport, storage } = this.#ports;
    const { profile } = this.#config;
    const startedAtMs = clock.now();
    const attemptNumber = delivery.attempts + 1;
    const secrets: string[] = [];
    for (const s of endpoint.secrets) {
      if (s.expiresAtMs === null || s.expiresAtMs > startedAtMs) secrets.push(s.secret);
    }
    if (secrets.length === 0) secrets.push(endpoint.secrets[0]?.secret ?? '');
    // Built at send time (docs/design.md §6.5: a retry or a replay gets a fresh `t`). A throw here
    // (a secret outside the profile's format, a converter or serializer bug) is recorded as a
    // failed attempt, INTERNAL_ERROR, on the normal schedule and health (docs/design.md §5.2):
    // unrecorded, the delivery would come back every lease period, silently, for ever.
    let stage: BuildStage = 'convertEventData';
    let body = '';
    let headers: Record<string, string> | undefined;
    try {
      const outbound = this.#outbound(event, delivery.schemaVersion);
      stage = 'profile.serializeBody';
      body = this.#body(event, outbound);
      stage = 'profile.buildHeaders';
      headers = profile.buildHeaders(body, {
        event: outbound,
        endpointId: endpoint.id,
        deliveryId: delivery.id,
        secrets,
        nowMs: startedAtMs,
        hmac: nodeHmacSha256Hex,
        hmacBase64: nodeHmacSha256Base64,
      });
    } catch (error) {
      this.#requestNotBuilt(claimed, attemptNumber, stage, error, secrets);
    }
    let result: TransportResult;
    if (headers === undefined) {
      result = {
        statusCode: null,
        failureReason: 'INTERNAL_ERROR',
        responseBody: '',
        retryAfter: null,
        durationMs: 0,
      };
    } else {
      try {
        result = await transport.send({
          url: endpoint.url,
          body,
          headers,
          timeoutMs: profile.timeoutMs,
          signal: this.#abort.signal,
        });
      } catch (error) {
        // A transport must not throw; one that does is treated as a network error.
        this.#transportThrew(claimed, attemptNumber, error, secretValues(secrets, headers));
        result = {
          statusCode: null,
          failureReason: 'NETWORK_ERROR',
          responseBody: '',
          retryAfter: null,
          durationMs: clock.now() - startedAtMs,
        };
      }
    }
    // The request is over: its slot goes to the next claim (unless too many records wait). The
    // delivery stays leased until the record below ends, so no claim takes it meanwhile.
    this.#backlog.sent(slot);
    // From here on a throw is the storage's (or the endpoint cache's): the claim lapses and the
    // delivery is claimed again after the lease (at-least-once, docs/design.md §2).
    let call = 'storage.recordAttempt';
    try {
      if (this.#stopping && this.#abort.signal.aborted && result.failureReason !== null) {
        // Aborted by stop(): no attempt happened as far as the receiver is concerned. A response
        // that succeeded as the abort fired is recorded below, so it is not delivered twice.
        call = 'storage.releaseClaim';
        await storage.releaseClaim(delivery.id, leaseToken);
        return;
      }
      if (result.failureReason === 'BLOCKED_DESTINATION') {
        this.#blocked(claimed, attemptNumber);
      }
      const attempt: AttemptRecord = {
        deliveryId: delivery.id,
        attempt: attemptNumber,
        startedAtMs,
        durationMs: Math.max(0, Math.round(result.durationMs)),
        statusCode: result.statusCode,
        failureReason: result.failureReason,
        responseBody: result.responseBody,
      };
      const decision = decideAttempt({
        test: delivery.test,
        attempts: attemptNumber,
        firstAttemptAtMs: delivery.firstAttemptAtMs ?? startedAtMs,
        lastAttemptAtMs: startedAtMs,
        result,
        retryPolicy: profile.retryPolicy,
        random: this.#randomFloat,
      });
      const recorded = await storage.recordAttempt({
        deliveryId: delivery.id,
        leaseToken,
        attempt,
        decision,
        healthPolicy: delivery.test ? null : profile.healthPolicy,
      });
      if (recorded === null) {
        this.#logOnce(
          'warn',
          'claim lapsed',
          { stage: 'attempt', deliveryId: delivery.id, endpointId: endpoint.id },
          'the claim lapsed before the attempt was recorded (an attempt outlived leaseMs); ' +
            'another worker sends the delivery again',
        );
        return;
      }
      // The attempt paused or disabled its endpoint (or found it gone or no longer ACTIVE): its
      // deliveries claimed ahead go back, to be parked rather than sent (§5.33).
      const after = recorded.endpoint;
      if (recorded.transition !== 'stay' || after === null || after.status !== 'ACTIVE') {
        this.endpointChanged(delivery.endpointId);
      }
      // A retry already due (a short schedule, an offset passed during the attempt): the claims
      // since the slot was freed did not see it, leased until now, so claim again.
      const next = recorded.delivery.nextAttemptAtMs;
      if (recorded.delivery.status === 'PENDING' && next !== null && next <= clock.now()) {
        this.wake();
      }
      const consequences = this.#after(recorded, event, attempt, this.#originOf(endpoint.url));
      if (consequences !== undefined) await consequences;
    } catch (error) {
      this.#callFailed(
        call,
        error,
        { deliveryId: delivery.id, endpointId: endpoint.id },
        call === 'storage.releaseClaim'
          ? 'the delivery is claimed again when its lease lapses'
          : 'the attempt is not recorded; the delivery is claimed again when its lease lapses',
      );
    }
  }

  /** Logs and reports a request that could not be built; its attempt is INTERNAL_ERROR. */
  #requestNotBuilt(
    { delivery, endpoint }: ClaimedDelivery,
    attempt: number,
    stage: BuildStage,
    error: unknown,
    secrets: readonly string[],
  ): void {
    this.#logOnce(
      'error',
      `request ${endpoint.id}`,
      {
        stage: 'attempt',
        call: stage,
        organizationUuid: endpoint.organizationUuid,
        endpointId: endpoint.id,
        deliveryId: delivery.id,
        eventType: delivery.eventType,
        schemaVersion: delivery.schemaVersion,
        attempt,
        failureReason: 'INTERNAL_ERROR',
        // A custom profile's message may quote what it was given: secrets are masked.
        error: maskedErrorSummary(error, secretValues(secrets)),
      },
      `${NOT_BUILT[stage]}; nothing was sent, recorded as a failed attempt (INTERNAL_ERROR) and retried on the schedule`,
    );
    this.#ports.hooks.emit('sender.error', {
      error,
      during: stage,
      endpointId: endpoint.id,
      deliveryId: delivery.id,
    });
  }

  /** Logs and reports a transport that threw instead of resolving a result. */
  #transportThrew(
    { delivery, endpoint }: ClaimedDelivery,
    attempt: number,
    error: unknown,
    hidden: readonly string[],
  ): void {
    this.#logOnce(
      'error',
      `transport ${endpoint.id}`,
      {
        stage: 'attempt',
        call: 'transport.send',
        organizationUuid: endpoint.organizationUuid,
        endpointId: endpoint.id,
        deliveryId: delivery.id,
        attempt,
        failureReason: 'NETWORK_ERROR',
        error: maskedErrorSummary(error, hidden),
      },
      'the transport threw instead of resolving a result; counted as NETWORK_ERROR ' +
        '(a Transport resolves every network or HTTP failure as a TransportResult)',
    );
    this.#ports.hooks.emit('sender.error', {
      error,
      during: 'transport.send',
      endpointId: endpoint.id,
      deliveryId: delivery.id,
    });
  }

  /**
   * Logs an attempt the transport refused to send (`BLOCKED_DESTINATION`, docs/design.md §5.14):
   * the endpoint's origin only, since a path or query may carry a token.
   */
  #blocked({ delivery, endpoint }: ClaimedDelivery, attempt: number): void {
    this.#logOnce(
      'warn',
      `blocked ${endpoint.id}`,
      {
        stage: 'attempt',
        organizationUuid: endpoint.organizationUuid,
        endpointId: endpoint.id,
        deliveryId: delivery.id,
        origin: this.#originOf(endpoint.url),
        attempt,
        failureReason: 'BLOCKED_DESTINATION',
      },
      "delivery blocked: the endpoint's host is loopback, private or otherwise not public, and " +
        'the transport refuses it (SSRF guard). For local development, give the sender ' +
        'new HttpTransport({ allowPrivateNetworks: true }) as well as allowInsecureUrls: true; ' +
        'in production, the endpoint URL must resolve to a public address',
    );
  }

  /** A failed call of the dispatch loop: logged (once a minute per call), reported, survived. */
  #callFailed(
    call: string,
    error: unknown,
    ids: { readonly deliveryId?: string; readonly endpointId?: string },
    consequence: string,
  ): void {
    this.#logOnce(
      'error',
      call,
      { stage: 'dispatch', call, ...ids, error: summarizeError(error) },
      `${call} failed; ${consequence}`,
    );
    this.#ports.hooks.emit('sender.error', { error, during: call, ...ids });
  }

  /**
   * Writes a line unless the same `key` was written less than a minute ago (docs/design.md
   * §5.23); the next line written says how many were held back (`suppressed`).
   */
  #logOnce(
    level: 'warn' | 'error',
    key: string,
    fields: Record<string, unknown>,
    message: string,
  ): void {
    const suppressed = this.#throttle.admit(key, this.#ports.clock.now());
    if (suppressed < 0) return;
    this.#ports.logger[level](suppressed > 0 ? { ...fields, suppressed } : fields, message);
  }

  /**
   * After a recorded attempt: the sender's endpoint cache, the hooks, then what a health
   * transition or a terminal failure brings. `undefined` when nothing is left to wait for (the
   * usual attempt), so that the caller does not wait a turn for nothing.
   */
  #after(
    recorded: RecordAttemptResult,
    event: EventRecord,
    attempt: AttemptRecord,
    origin: string,
  ): Promise<void> | undefined {
    const { endpoint } = recorded;
    // The sender's endpoint cache first: a listener that publishes from a hook must already see
    // the endpoint's new status (a pause), or it would create a delivery to a paused endpoint.
    const caching = endpoint === null ? undefined : this.#host.endpointChanged(endpoint);
    if (caching === undefined) return this.#report(recorded, event, attempt, origin);
    return caching.then(
      () => this.#report(recorded, event, attempt, origin),
      (error: unknown) => {
        // The cache reads storage again after its TTL; the attempt's consequences still follow.
        this.#callFailed(
          'endpoint cache',
          error,
          { deliveryId: recorded.delivery.id, endpointId: recorded.delivery.endpointId },
          "the sender's endpoint cache reads storage again after endpointCacheTtlMs",
        );
        return this.#report(recorded, event, attempt, origin);
      },
    );
  }

  #report(
    recorded: RecordAttemptResult,
    event: EventRecord,
    attempt: AttemptRecord,
    origin: string,
  ): Promise<void> | undefined {
    const { hooks } = this.#ports;
    const { delivery, endpoint } = recorded;
    const outcome =
      delivery.status === 'DELIVERED'
        ? 'delivery.succeeded'
        : delivery.status === 'PENDING'
          ? 'delivery.retry_scheduled'
          : 'delivery.failed';
    // The views (docs/design.md §5.25) are built only when a listener is there.
    if (hooks.has('delivery.attempted') || hooks.has(outcome)) {
      const payload = {
        delivery: toDeliveryView(delivery),
        attempt: toAttemptView(attempt),
        origin,
      };
      hooks.emit('delivery.attempted', payload);
      hooks.emit(outcome, payload);
    }

    // A meta-event's own failure never emits another meta-event (docs/design.md §5.4).
    const aboutMeta = META_TYPES.has(event.type);
    const terminal =
      delivery.status === 'FAILED' &&
      !delivery.test &&
      delivery.failureReason !== null &&
      !PARK_REASONS.has(delivery.failureReason);
    if (terminal) this.#failedForGood(delivery, endpoint);
    if (endpoint === null) return undefined;
    if (recorded.transition === 'stay' && !(terminal && !aboutMeta)) return undefined;
    return this.#consequences(recorded, endpoint, attempt, aboutMeta, terminal);
  }

  /** Logs a delivery whose retries ran out (once a minute per endpoint). */
  #failedForGood(delivery: DeliveryRecord, endpoint: EndpointRecord | null): void {
    this.#logOnce(
      'warn',
      `failed ${delivery.endpointId}`,
      {
        stage: 'delivery',
        organizationUuid: delivery.organizationUuid,
        endpointId: delivery.endpointId,
        deliveryId: delivery.id,
        eventId: delivery.eventId,
        eventType: delivery.eventType,
        attempts: delivery.attempts,
        failureReason: delivery.failureReason,
        httpStatus: delivery.lastStatusCode,
        ...(endpoint === null ? {} : { endpointStatus: endpoint.status }),
      },
      'delivery FAILED: its retries ran out; replay it (replayDelivery, or recoverDeliveries ' +
        'for a time range) once the receiver is fixed',
    );
  }

  /** A health transition (hook, log, notifier, meta-event) and a terminal failure's meta-event. */
  async #consequences(
    recorded: RecordAttemptResult,
    endpoint: EndpointRecord,
    attempt: AttemptRecord,
    aboutMeta: boolean,
    terminal: boolean,
  ): Promise<void> {
    const { hooks, notifier, logger, clock } = this.#ports;
    const { delivery } = recorded;
    if (recorded.transition !== 'stay') {
      const reason =
        recorded.transitionReason === 'failure_duration'
          ? 'FAILURE_DURATION'
          : 'CONSECUTIVE_FAILURES';
      const atMs = clock.now();
      const status = endpoint.status === 'DISABLED' ? 'DISABLED' : 'PAUSED';
      hooks.emit('endpoint.paused', { endpoint: toEndpointView(endpoint, atMs), reason });
      logger.warn(
        {
          stage: 'health',
          organizationUuid: endpoint.organizationUuid,
          endpointId: endpoint.id,
          status,
          reason,
          consecutiveFailures: endpoint.health.consecutiveFailures,
          lastFailureReason: attempt.failureReason,
          httpStatus: attempt.statusCode,
        },
        `endpoint ${status} by its health policy; its pending deliveries are parked ` +
          `(FAILED ENDPOINT_${status}). Fix the receiver, then updateEndpoint with ` +
          "status 'ACTIVE' and recoverDeliveries for what was missed",
      );
      if (notifier !== undefined) {
        try {
          await notifier.endpointPaused({
            organizationUuid: endpoint.organizationUuid,
            endpointId: endpoint.id,
            url: endpoint.url,
            status,
            reason,
            consecutiveFailures: endpoint.health.consecutiveFailures,
            failingSinceMs: endpoint.health.failingSinceMs,
            atMs,
          });
        } catch (error) {
          logger.error(
            {
              stage: 'health',
              call: 'notifier.endpointPaused',
              organizationUuid: endpoint.organizationUuid,
              endpointId: endpoint.id,
              error: summarizeError(error),
            },
            'the notifier failed; the endpoint is paused all the same',
          );
          hooks.emit('sender.error', {
            error,
            during: 'notifier.endpointPaused',
            endpointId: endpoint.id,
          });
        }
      }
      if (!aboutMeta && recorded.transition === 'pause') {
        await this.#meta(endpoint, 'webhook.endpoint_auto_paused', {
          endpointId: endpoint.id,
          endpointUrl: endpoint.url,
          pauseReason: reason,
          consecutiveFailures: endpoint.health.consecutiveFailures,
          firstFailureAt: iso(endpoint.health.failingSinceMs),
          lastFailureAt: iso(attempt.startedAtMs),
          pausedAt: iso(atMs),
          lastHttpStatus: attempt.statusCode,
          lastFailureReason: attempt.failureReason ?? undefined,
        });
      }
    }
    if (terminal && !aboutMeta) {
      await this.#meta(endpoint, 'webhook.delivery_failed_terminal', {
        endpointId: endpoint.id,
        endpointUrl: endpoint.url,
        deliveryId: delivery.id,
        eventId: delivery.eventId,
        eventType: delivery.eventType,
        attempts: delivery.attempts,
        lastHttpStatus: delivery.lastStatusCode,
        failureReason: delivery.failureReason ?? undefined,
        firstAttemptAt: iso(delivery.firstAttemptAtMs),
        lastAttemptAt: iso(delivery.lastAttemptAtMs),
      });
    }
  }

  async #meta(
    endpoint: EndpointRecord,
    type: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    const clean = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
    try {
      await this.#host.emitMeta({
        organizationUuid: endpoint.organizationUuid,
        type,
        data: clean,
        excludeEndpointId: endpoint.id,
      });
    } catch (error) {
      this.#ports.logger.error(
        {
          stage: 'meta-event',
          organizationUuid: endpoint.organizationUuid,
          endpointId: endpoint.id,
          eventType: type,
          error: summarizeError(error),
        },
        `could not emit the meta-event ${type}; the organization's other endpoints do not get it`,
      );
      this.#ports.hooks.emit('sender.error', {
        error,
        during: `meta-event ${type}`,
        endpointId: endpoint.id,
      });
    }
  }

  #outbound(event: EventRecord, schemaVersion: number): OutboundEvent {
    const data =
      schemaVersion === event.schemaVersion
        ? event.data
        : convertEventData(this.#config.catalog, {
            type: event.type,
            data: { ...event.data },
            fromVersion: event.schemaVersion,
            toVersion: schemaVersion,
          });
    return {
      id: event.id,
      type: event.type,
      schemaVersion,
      source: event.source,
      createdAtMs: event.createdAtMs,
      organizationUuid: event.organizationUuid,
      partnerUuid: event.partnerUuid,
      data,
    };
  }

  #body(event: EventRecord, outbound: OutboundEvent): string {
    const own = outbound.schemaVersion === event.schemaVersion;
    const bodies = own ? this.#bodies : this.#convertedBodies;
    const key = own ? event.id : `${event.id}:${outbound.schemaVersion}`;
    let body = bodies.get(key);
    if (body === undefined) {
      body = this.#config.profile.serializeBody(outbound);
      if (bodies.size >= BODY_CACHE_SIZE) {
        const oldest = bodies.keys().next().value;
        if (oldest !== undefined) bodies.delete(oldest);
      }
      bodies.set(key, body);
    }
    return body;
  }

  #originOf(url: string): string {
    let origin = this.#origins.get(url);
    if (origin === undefined) {
      if (this.#origins.size >= ORIGIN_CACHE_SIZE) this.#origins.clear();
      origin = originOf(url);
      this.#origins.set(url, origin);
    }
    return origin;
  }

  /** Wakes a sleeping loop (new work, a freed slot). */
  wake(): void {
    this.#woken = true;
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  start(): void {
    if (this.#loop !== undefined) return;
    this.#stopping = false;
    this.#abort = newAbortController();
    this.#loop = this.#run();
  }

  async #run(): Promise<void> {
    const { storage, clock } = this.#ports;
    const { pollIntervalMs, purgeIntervalMs, maxInFlight } = this.#config;
    while (!this.#stopping) {
      if (clock.now() - this.#lastPurgeAtMs >= purgeIntervalMs) {
        this.#lastPurgeAtMs = clock.now();
        try {
          await this.#host.purge();
        } catch (error) {
          this.#callFailed('purgeExpired', error, {}, 'retrying at the next purgeIntervalMs');
        }
      }
      let more = false;
      let claimedAtMs = clock.now();
      this.#woken = false;
      // Waiting deliveries whose lease ran low go back even while no slot frees (§5.33).
      this.#pump();
      try {
        ({ more, claimedAtMs } = await this.#claimAndSend(true));
      } catch (error) {
        this.#callFailed('storage.claimDue', error, {}, 'retrying after pollIntervalMs');
      }
      if (this.#stopping) break;
      // A full claim: more may be due now. Otherwise sleep until the next due time, a freed slot
      // (a finished attempt wakes the loop) or a publish.
      if (more && (this.#total < maxInFlight || this.#aheadRoom(true) > 0)) {
        // Yield a macrotask even then, so timers and I/O keep running between claims.
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      // A publish or a freed slot while this round ran: its work may be claimable now, so claim
      // again without asking storage when to wake (a statement per round on a database).
      if (!this.#woken) {
        let waitMs = pollIntervalMs;
        try {
          const next = await storage.nextDueAtMs();
          // Due at the claim and still not taken: its endpoint or origin is at its room, and only
          // a freed slot (which wakes the loop) can make space; no busy loop until then.
          if (next !== null && next > claimedAtMs) {
            waitMs = Math.min(pollIntervalMs, Math.max(0, next - clock.now()));
          }
        } catch {
          // the claim above reports storage failures
        }
        // Or one while storage answered.
        if (!this.#woken) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, waitMs);
            this.#wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          this.#wake = undefined;
        }
      }
      // Claim once the rest of this turn of the event loop has run: the other attempts whose
      // responses arrived in the same poll end too, and a burst of publishes lands, so that one
      // claim takes the work of all of them instead of one claim per wake-up.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  async stop(deadlineMs: number): Promise<void> {
    this.#stopping = true;
    this.wake();
    const endsAtMs = Date.now() + deadlineMs;
    const within = (work: Promise<unknown>, ms: number): Promise<boolean> =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), Math.max(0, ms));
        void work.then(
          () => {
            clearTimeout(timer);
            resolve(true);
          },
          () => {
            clearTimeout(timer);
            resolve(true);
          },
        );
      });
    // The loop may sit in a storage call that does not answer (an outage): not past the deadline.
    const loop = this.#loop ?? Promise.resolve();
    this.#loop = undefined;
    await within(loop, endsAtMs - Date.now());
    // Deliveries claimed ahead go back unsent, at once: only what is in flight may use the deadline.
    this.#handBackWaiting(undefined, 'the sender stops');
    const running = () => Promise.allSettled([...this.#running]);
    if (!(await within(running(), endsAtMs - Date.now()))) {
      // Abort what is left: their claims are released in #deliver, so nothing is lost. Work that
      // still does not end (a transport that ignores the signal, a storage that does not answer)
      // is left behind after one more grace period: its claims lapse with their leases.
      this.#abort.abort();
      if (!(await within(running(), STOP_GRACE_MS))) {
        this.#ports.logger.warn(
          { attempts: this.#running.size },
          'stop: attempts still running after the deadline were left behind; their claims lapse with their leases',
        );
      }
    }
    await this.#ports.transport.close?.();
  }
}
