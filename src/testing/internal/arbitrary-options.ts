// Eager checks of the arbitraries' options (CONTRIBUTING.md, "Errors"): a bad option fails when
// the arbitrary is built, naming the option, rather than inside a property run where fast-check
// would report it as a counterexample.

import { quoteType } from '../../core/catalog/internal/schema-kit.js';
import { assertKnownOptions } from '../../core/internal/assert-known-options.js';
import { assertOptionsObject } from '../../core/internal/assert-options-object.js';
import { describeValue } from '../../core/internal/describe-value.js';
import { integerOption } from '../../core/internal/integer-option.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import { typeIssueCode } from '../../core/internal/type-issue-code.js';

/** A UUID as the management API accepts partner ids: any 8-4-4-4-12 hex string (docs/server.md). */
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The most partner ids an endpoint's filter holds (the sender's and the API's limit). */
export const MAX_PARTNER_IDS = 1000;

/**
 * `options` as an object (`{}` when absent), after refusing a non-object and unknown keys (with
 * the nearest known name).
 *
 * @throws WebhookValidationError `invalid_option`
 */
export function readOptions<O extends object>(
  owner: string,
  options: O | undefined,
  known: readonly string[],
): Partial<O> {
  if (options === undefined) return {};
  assertOptionsObject(options);
  assertKnownOptions(options, known, owner);
  return options;
}

/** A boolean option, `fallback` when absent. */
export function readBooleanOption(
  owner: string,
  name: string,
  value: unknown,
  fallback: boolean,
): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  throw invalidOption(
    name,
    `${owner}: \`${name}\` must be a boolean, got ${describeValue(value)}.`,
    'invalid_type',
  );
}

/** An integer option within `min..max`, `fallback` when absent. */
export function readIntegerOption(
  owner: string,
  name: string,
  value: unknown,
  fallback: number,
  range: { readonly min: number; readonly max: number },
): number {
  return integerOption(owner, name, value, range) ?? fallback;
}

/**
 * A non-empty list of event types of `catalog` (`types`), without repeats, in the order given;
 * `catalog` itself when absent.
 *
 * @throws WebhookValidationError `invalid_option` naming `types` or `types[i]`.
 */
export function readTypeList<T extends string>(
  owner: string,
  value: unknown,
  catalog: readonly T[],
): readonly T[] {
  if (value === undefined) return catalog;
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidOption(
      'types',
      `${owner}: \`types\` must be a non-empty array of event types, got ${describeValue(value)}.`,
      Array.isArray(value) ? 'too_small' : 'invalid_type',
    );
  }
  value.forEach((type: unknown, i) => {
    if (typeof type !== 'string' || !(catalog as readonly string[]).includes(type)) {
      throw invalidOption(
        `types[${i}]`,
        `${owner}: \`types[${i}]\` must be one of ${catalog.join(', ')}; got ${
          typeof type === 'string' ? quoteType(type) : describeValue(type)
        }.`,
        typeof type === 'string' ? 'invalid_value' : typeIssueCode(type),
      );
    }
  });
  return [...new Set(value as T[])];
}

/**
 * A non-empty list of partner UUIDs (8-4-4-4-12 hex, at most 1000), without repeats, or
 * `undefined` when absent.
 *
 * @throws WebhookValidationError `invalid_option` naming `partnerUuids` or `partnerUuids[i]`.
 */
export function readPartnerUuids(owner: string, value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_PARTNER_IDS) {
    throw invalidOption(
      'partnerUuids',
      `${owner}: \`partnerUuids\` must be an array of 1 to ${MAX_PARTNER_IDS} partner UUIDs, got ${describeValue(value)}.`,
      !Array.isArray(value) ? 'invalid_type' : value.length === 0 ? 'too_small' : 'too_big',
    );
  }
  value.forEach((uuid: unknown, i) => {
    if (typeof uuid !== 'string' || !GUID.test(uuid)) {
      throw invalidOption(
        `partnerUuids[${i}]`,
        `${owner}: \`partnerUuids[${i}]\` must be a UUID (8-4-4-4-12 hexadecimal digits, as the ` +
          `events carry them), got ${describeValue(uuid)}.`,
        typeof uuid === 'string' ? 'invalid_format' : typeIssueCode(uuid),
      );
    }
  });
  return [...new Set(value as string[])];
}

/**
 * True for a fast-check arbitrary of any copy of fast-check: checked by shape, as fast-check
 * itself does, because an arbitrary from another copy is not an `instanceof` this one's class.
 */
export function isArbitraryLike(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { generate?: unknown }).generate === 'function' &&
    typeof (value as { shrink?: unknown }).shrink === 'function' &&
    typeof (value as { canShrinkWithoutContext?: unknown }).canShrinkWithoutContext === 'function'
  );
}
