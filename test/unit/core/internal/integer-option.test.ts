// The one integer rule (src/core/internal/integer-option.ts), against a reference written out
// longhand, and the proof that the sender, the transport and the receiver all answer with it: the
// same issue shape and wording for the same bad value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEventCatalog } from '../../../../src/core/catalog/event-catalog.js';
import {
  describeIntegerRange,
  integerIssueCode,
  integerOption,
  integerOptionOr,
  requiredIntegerOption,
} from '../../../../src/core/internal/integer-option.js';
import { positiveIntegerListProblem } from '../../../../src/core/internal/positive-integer-list.js';
import { MemoryDedupeStore, WebhookReceiver } from '../../../../src/receiver/index.js';
import { HttpTransport, WebhookSender } from '../../../../src/sender/index.js';
import {
  createRecordingTransport,
  createSampleEvent,
  createSignedRequest,
} from '../../../../src/testing/index.js';
import { thrown } from '../../../helpers/thrown.js';

function reference(value: unknown, min: number, max: number): string | undefined {
  if (typeof value !== 'number') return 'invalid_type';
  if (Number.isNaN(value) || !Number.isFinite(value)) return 'invalid_type';
  if (Math.trunc(value) !== value) return 'invalid_type';
  if (Math.abs(value) > Number.MAX_SAFE_INTEGER) return 'invalid_type';
  if (value < min) return 'too_small';
  if (value > max) return 'too_big';
  return undefined;
}

const anyValue = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, -0, 2 ** 53, 1e21),
  fc.anything(),
);
const ranges = fc
  .tuple(fc.integer({ min: -5, max: 50 }), fc.option(fc.integer({ min: 0, max: 100 })))
  .filter(([min, max]) => max === null || max >= min)
  .map(([min, max]) => (max === null ? { min } : { min, max }));

describe('integerIssueCode', () => {
  it('property: agrees with the longhand rule for any value and range', () => {
    fc.assert(
      fc.property(anyValue, ranges, (value, range) => {
        expect(integerIssueCode(value, range)).toBe(
          reference(value, range.min, range.max ?? Number.MAX_SAFE_INTEGER),
        );
      }),
    );
  });

  it('defaults to positive integers', () => {
    expect([0, 1, -1, 1.5, '1'].map((v) => integerIssueCode(v))).toEqual([
      'too_small',
      undefined,
      'too_small',
      'invalid_type',
      'invalid_type',
    ]);
  });
});

describe('integerOption and friends', () => {
  it('property: accepts exactly what the rule accepts, and otherwise throws its code at the name', () => {
    fc.assert(
      fc.property(anyValue, ranges, (value, range) => {
        fc.pre(value !== undefined);
        const code = integerIssueCode(value, range);
        if (code === undefined) {
          expect(integerOption('Owner', 'count', value, range)).toBe(value);
          return;
        }
        const error = thrown(() => integerOption('Owner', 'count', value, range));
        expect(error.code).toBe('invalid_option');
        expect(error.issues).toEqual([{ path: 'count', code, message: error.message }]);
        expect(error.message).toContain(
          `Owner: \`count\` must be ${describeIntegerRange(range)}, got `,
        );
      }),
    );
  });

  it('undefined: passed through, defaulted, or required', () => {
    expect(integerOption('Owner', 'count', undefined)).toBeUndefined();
    expect(integerOptionOr('Owner', 'count', undefined, 7)).toBe(7);
    const error = thrown(() => requiredIntegerOption('Owner', 'count', undefined));
    expect(error.issues).toEqual([expect.objectContaining({ path: 'count', code: 'required' })]);
    expect(error.message).toBe('Owner: `count` is required (a positive integer), got undefined.');
  });

  it('names the range in words', () => {
    expect(describeIntegerRange()).toBe('a positive integer');
    expect(describeIntegerRange({ min: 0 })).toBe('a non-negative integer');
    expect(describeIntegerRange({ min: 5 })).toBe('an integer of at least 5');
    expect(describeIntegerRange({ min: 1, max: 9 })).toBe('an integer from 1 to 9');
  });

  it('a value that is not a number is described by its type, never quoted', () => {
    const error = thrown(() => integerOption('Owner', 'count', 'secret-ish-string'));
    expect(error.message).not.toContain('secret-ish-string');
    expect(error.message).toContain('a string of 17 characters');
  });
});

describe('one rule across the package', () => {
  // Each constructor's positive-integer option given 0 and 1.5: the same code and the same words,
  // only the owner and the name differ. Before the one check, each had its own wording and code.
  const cases: readonly [string, string, (value: number) => unknown][] = [
    [
      'WebhookSender',
      'maxInFlight',
      (v) => new WebhookSender({ transport: createRecordingTransport(), maxInFlight: v }),
    ],
    ['HttpTransport', 'connections', (v) => new HttpTransport({ connections: v })],
    [
      'WebhookReceiver',
      'maxBodyBytes',
      (v) => new WebhookReceiver({ secret: 'whsec_one_rule', maxBodyBytes: v }),
    ],
    ['MemoryDedupeStore', 'maxEntries', (v) => new MemoryDedupeStore({ maxEntries: v })],
  ];

  it.each(cases)('%s %s', (owner, name, make) => {
    for (const [value, code] of [
      [0, 'too_small'],
      [1.5, 'invalid_type'],
    ] as const) {
      const error = thrown(() => make(value));
      expect(error.issues).toEqual([{ path: name, code, message: error.message }]);
      expect(error.message).toBe(`${owner}: \`${name}\` must be a positive integer, got ${value}.`);
    }
  });
});

describe('the integer rule where it used to be written by hand', () => {
  // 2 ** 53 + 2 is an integer (Number.isInteger) but not a safe one: the catalog accepted it as a
  // schema version while acceptedSchemaVersions, the sender and the receiver refused it.
  const unsafe = 2 ** 53 + 2;
  const schema = z.looseObject({});

  /** The issue code each site gives a schema version `value`, or `undefined` when accepted. */
  const sites: readonly [string, (value: unknown) => string | undefined][] = [
    [
      'createEventCatalog versions[].version',
      (value) => {
        try {
          createEventCatalog([
            { type: 'order.shipped', versions: [{ version: value, schema }] },
          ] as never);
          return undefined;
        } catch (error) {
          return thrownCode(error, 'definitions.0.versions.0.version');
        }
      },
    ],
    [
      'positiveIntegerListProblem (acceptedSchemaVersions)',
      (value) => positiveIntegerListProblem([value]),
    ],
    [
      'createSignedRequest schemaVersion',
      (value) => {
        const event = { ...createSampleEvent('prospect.submitted'), schemaVersion: value };
        try {
          createSignedRequest(event as never, { secret: 'whsec_integer_rule' });
          return undefined;
        } catch (error) {
          return thrownCode(error, 'schemaVersion');
        }
      },
    ],
  ];

  function thrownCode(error: unknown, path: string): string | undefined {
    const issue = (error as { issues?: { path: string; code: string }[] }).issues?.find(
      (i) => i.path === path,
    );
    if (issue === undefined) throw error;
    return issue.code;
  }

  it.each(sites)('%s: 2 ** 53 + 2 is invalid_type, as integerIssueCode says', (_, codeOf) => {
    expect(integerIssueCode(unsafe)).toBe('invalid_type');
    expect(codeOf(unsafe)).toBe('invalid_type');
  });

  it.each(sites)('%s: the rule code for any value', (_, codeOf) => {
    fc.assert(
      fc.property(fc.oneof(anyValue, fc.constantFrom(unsafe, -unsafe, 2 ** 60)), (value) => {
        fc.pre(value !== undefined);
        expect(codeOf(value)).toBe(integerIssueCode(value));
      }),
      { numRuns: 200 },
    );
  });
});
