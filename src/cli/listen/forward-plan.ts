// `listen`'s forwarding targets as the command line gives them: each `--forward-to URL` adds a
// target, and each `--events PATTERNS` that follows it (before the next `--forward-to`) narrows
// that target to the listed event types or segments. Commander calls option parsers in the order
// of the command line, so the plan is built by folding the options in that order; the patterns
// are checked against the profile's catalog once every option is known (`--profile` may come
// last). Pure functions, property-tested (test/unit/cli/listen/forward-plan.test.ts).
import { InvalidArgumentError } from 'commander';
import { isWebhooksError } from '../../core/errors.js';
import { matchesSubscription } from '../../core/subscription/matches-subscription.js';
import {
  type ParsedSubscriptionPattern,
  parseSubscriptionPattern,
} from '../../core/subscription/parse-subscription-pattern.js';
import { usageError } from '../internal/cli-error.js';

/** One `--forward-to` as written, with the patterns of the `--events` that followed it. */
export interface ForwardSpec {
  /** The target URL, normalized (`new URL(value).href`). */
  readonly url: string;
  /** The patterns of its `--events` options in order, or `undefined`: every event. */
  readonly events: readonly string[] | undefined;
}

/** A target ready to forward to: its URL and its parsed filter. */
export interface ForwardTarget {
  readonly url: string;
  /** The parsed patterns, or `undefined`: every event is forwarded. */
  readonly patterns: readonly ParsedSubscriptionPattern[] | undefined;
}

/**
 * The URL of a `--forward-to`: an absolute `http:` or `https:` URL, returned normalized.
 *
 * @throws InvalidArgumentError (commander prints it and exits 2) for anything else.
 */
export function parseForwardUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(
      'Expected an absolute http:// or https:// URL, such as http://localhost:3000/webhooks.',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(
      `Expected an http:// or https:// URL, got a ${url.protocol.slice(0, 16)} URL.`,
    );
  }
  return url.href;
}

/**
 * The patterns of one `--events`: comma-separated, spaces around them ignored
 * (`kyc.*, compliance.decision_made`). Their validity against the catalog is checked later, by
 * {@link resolveForwardPlan}.
 *
 * @throws InvalidArgumentError for an empty list or an empty item (`kyc.*,,x`).
 */
export function parseEventList(value: string): string[] {
  const items = value.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) {
    throw new InvalidArgumentError(
      'Expected a comma-separated list of event types or segments, such as ' +
        "'kyc.*,compliance.decision_made', with no empty item.",
    );
  }
  return items;
}

/** The plan with one more target. @throws InvalidArgumentError for a URL given twice. */
export function addForwardTarget(plan: readonly ForwardSpec[], url: string): ForwardSpec[] {
  if (plan.some((spec) => spec.url === url)) {
    throw new InvalidArgumentError(
      'This URL is given twice; give each target once (its --events may list several patterns).',
    );
  }
  return [...plan, { url, events: undefined }];
}

/**
 * The plan with `events` added to the filter of its last target (a target's repeated `--events`
 * add up; a pattern given twice is kept once).
 *
 * @throws InvalidArgumentError when no `--forward-to` came before.
 */
export function addEventFilter(
  plan: readonly ForwardSpec[],
  events: readonly string[],
): ForwardSpec[] {
  const last = plan.at(-1);
  if (last === undefined) {
    throw new InvalidArgumentError(
      '--events filters the --forward-to before it: write it after a --forward-to URL.',
    );
  }
  const merged = [...(last.events ?? [])];
  for (const event of events) if (!merged.includes(event)) merged.push(event);
  return [...plan.slice(0, -1), { url: last.url, events: merged }];
}

/**
 * Checks every target's patterns against the profile's catalog: exact types or `<segment>.*`;
 * the root wildcard `*` is refused (leave `--events` out to forward everything).
 *
 * @throws CliError `usage` (exit 2) naming the target and the pattern's problem.
 */
export function resolveForwardPlan(
  plan: readonly ForwardSpec[],
  eventTypes: readonly string[],
): ForwardTarget[] {
  return plan.map((spec) => {
    if (spec.events === undefined) return { url: spec.url, patterns: undefined };
    const patterns = spec.events.map((event) => {
      try {
        return parseSubscriptionPattern(event, { eventTypes });
      } catch (error) {
        if (!isWebhooksError(error)) throw error;
        throw usageError(
          `--events of --forward-to ${spec.url}: ${error.message}`,
          event === '*'
            ? 'Leave --events out to forward every event to this target.'
            : `Event types: ${eventTypes.join(', ')}.`,
        );
      }
    });
    return { url: spec.url, patterns };
  });
}

/** True when `target` takes events of `type`: no filter, or a pattern that matches it. */
export function forwardTargetAccepts(target: ForwardTarget, type: string): boolean {
  return (
    target.patterns === undefined ||
    target.patterns.some((pattern) => matchesSubscription(pattern, type))
  );
}
