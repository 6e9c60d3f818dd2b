// `listen`'s forwarding plan: `--forward-to URL` and the `--events PATTERNS` that follow it,
// folded in command-line order; then checked against a catalog and matched like subscriptions.
import { InvalidArgumentError } from 'commander';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CliError, EXIT_USAGE } from '../../../../src/cli/internal/cli-error.js';
import {
  addEventFilter,
  addForwardTarget,
  type ForwardSpec,
  forwardTargetAccepts,
  parseEventList,
  parseForwardUrl,
  resolveForwardPlan,
} from '../../../../src/cli/listen/forward-plan.js';
import { EUDR_EVENT_TYPES, EVENT_TYPES } from '../../../../src/core/catalog/event-types.js';
import { subscriptionPatternArbitrary } from '../../../../src/testing/index.js';
import { errorOf } from '../../../helpers/thrown.js';

/** One option of the command line: `--forward-to <value>` or `--events <value>`. */
type Step = readonly ['--forward-to' | '--events', string];

/** Folds the steps as commander's option parsers do, in order. */
function fold(steps: readonly Step[]): ForwardSpec[] {
  let plan: ForwardSpec[] = [];
  for (const [option, value] of steps) {
    plan =
      option === '--forward-to'
        ? addForwardTarget(plan, parseForwardUrl(value))
        : addEventFilter(plan, parseEventList(value));
  }
  return plan;
}

/** A pattern-like token as a user types it: no comma, no surrounding space, not empty. */
const token = fc
  .string({ minLength: 1, maxLength: 12 })
  .map((s) => s.replaceAll(',', '').trim())
  .filter((s) => s !== '');

/** A plan: distinct http(s) URLs, each with no filter or a non-empty list of distinct tokens. */
const planArbitrary = fc
  .uniqueArray(
    fc.webUrl({ validSchemes: ['http', 'https'] }).map((url) => new URL(url).href),
    { maxLength: 4 },
  )
  .chain((urls) =>
    fc.tuple(
      ...urls.map((url) =>
        fc.record({
          url: fc.constant(url),
          events: fc.option(fc.uniqueArray(token, { minLength: 1, maxLength: 5 }), {
            nil: undefined,
          }),
        }),
      ),
    ),
  );

/** The command line of a plan, each target's patterns split over 1..n `--events` options. */
function stepsOf(plan: readonly ForwardSpec[], cuts: readonly number[]): Step[] {
  const steps: Step[] = [];
  plan.forEach((spec, i) => {
    steps.push(['--forward-to', spec.url]);
    if (spec.events === undefined) return;
    const cut = 1 + ((cuts[i] ?? 0) % spec.events.length);
    const first = spec.events.slice(0, cut);
    const rest = spec.events.slice(cut);
    steps.push(['--events', first.join(', ')]);
    if (rest.length > 0) steps.push(['--events', rest.join(',')]);
  });
  return steps;
}

describe('the forwarding plan of listen', () => {
  it('folds any command line back to the plan it was written from (each --events joins the --forward-to before it)', () => {
    fc.assert(
      fc.property(planArbitrary, fc.array(fc.nat(), { maxLength: 4 }), (plan, cuts) => {
        expect(fold(stepsOf(plan, cuts))).toEqual(plan);
      }),
    );
  });

  it('refuses --events before any --forward-to, whatever follows', () => {
    fc.assert(
      fc.property(fc.uniqueArray(token, { minLength: 1, maxLength: 3 }), (events) => {
        const error = errorOf(() => fold([['--events', events.join(',')]]));
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect((error as Error).message).toContain('--events filters the --forward-to before it');
      }),
    );
  });

  it('refuses a URL given twice, in any spelling new URL() normalizes alike', () => {
    expect(() =>
      fold([
        ['--forward-to', 'http://LOCALHOST:3000'],
        ['--forward-to', 'http://localhost:3000/'],
      ]),
    ).toThrow(/given twice/);
  });

  it('keeps a pattern repeated across --events once', () => {
    expect(
      fold([
        ['--forward-to', 'http://localhost:3000/a'],
        ['--events', 'kyc.*'],
        ['--events', 'kyc.*,compliance.*'],
      ]),
    ).toEqual([{ url: 'http://localhost:3000/a', events: ['kyc.*', 'compliance.*'] }]);
  });

  it('parseEventList splits on commas and trims, and refuses an empty item', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(token, { minLength: 1, maxLength: 5 }),
        fc.constantFrom(',', ', ', ' ,', ' , '),
        (tokens, separator) => {
          expect(parseEventList(tokens.join(separator))).toEqual(tokens);
          expect(() => parseEventList(`${tokens.join(',')},`)).toThrow(InvalidArgumentError);
          expect(() => parseEventList(`,${tokens.join(',')}`)).toThrow(InvalidArgumentError);
        },
      ),
    );
    expect(() => parseEventList('')).toThrow(InvalidArgumentError);
    expect(() => parseEventList('  ')).toThrow(InvalidArgumentError);
  });

  it('parseForwardUrl takes absolute http(s) URLs, normalized, and refuses anything else', () => {
    fc.assert(
      fc.property(fc.webUrl({ validSchemes: ['http', 'https'] }), (url) => {
        expect(parseForwardUrl(url)).toBe(new URL(url).href);
      }),
    );
    fc.assert(
      fc.property(fc.webUrl({ validSchemes: ['ftp', 'ws', 'file', 'gopher'] }), (url) => {
        expect(() => parseForwardUrl(url)).toThrow(InvalidArgumentError);
      }),
    );
    for (const bad of ['localhost:3000/hooks', '/hooks', '', 'http//x', 'mailto:a@b.c']) {
      expect(() => parseForwardUrl(bad), bad).toThrow(InvalidArgumentError);
    }
  });

  it('resolved filters match exactly as a naive reference: the type itself, or its first segment', () => {
    const reference = (pattern: string, type: string): boolean =>
      pattern.endsWith('.*')
        ? type.startsWith(pattern.slice(0, -1)) && type.length > pattern.length - 1
        : pattern === type;
    const typeArbitrary = fc.oneof(
      fc.constantFrom(...EVENT_TYPES),
      fc.constantFrom('kyc.new_type', 'compliance.future', 'kyc', 'kycx.a', 'other.thing'),
    );
    fc.assert(
      fc.property(
        fc.option(fc.uniqueArray(subscriptionPatternArbitrary(), { minLength: 1, maxLength: 4 }), {
          nil: undefined,
        }),
        typeArbitrary,
        (events, type) => {
          const [target] = resolveForwardPlan([{ url: 'http://localhost/', events }], EVENT_TYPES);
          if (target === undefined) throw new Error('no target');
          const expected = events === undefined || events.some((p) => reference(p, type));
          expect(forwardTargetAccepts(target, type)).toBe(expected);
        },
      ),
    );
  });

  it('checks patterns against the profile catalog: EUDR segments pass with EUDR_EVENT_TYPES only', () => {
    const plan: ForwardSpec[] = [{ url: 'http://localhost/', events: ['supplier.*'] }];
    expect(resolveForwardPlan(plan, EUDR_EVENT_TYPES)[0]?.patterns?.[0]).toMatchObject({
      kind: 'segment',
      segment: 'supplier',
    });
    const error = errorOf(() => resolveForwardPlan(plan, EVENT_TYPES));
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(EXIT_USAGE);
    expect((error as CliError).message).toContain('--forward-to http://localhost/');
  });

  it('refuses the root wildcard * with a usage error that says to leave --events out', () => {
    const error = errorOf(() =>
      resolveForwardPlan([{ url: 'http://localhost/', events: ['kyc.*', '*'] }], EVENT_TYPES),
    ) as CliError;
    expect(error).toBeInstanceOf(CliError);
    expect(error.code).toBe('usage');
    expect(error.exitCode).toBe(EXIT_USAGE);
    expect(error.hint).toBe('Leave --events out to forward every event to this target.');
  });
});
