// Without fast-check installed, the testing entry still imports, and each arbitrary throws
// `optional_dependency_missing` naming itself, when it is built (never at import).

import { describe, expect, it, vi } from 'vitest';
import { WebhookValidationError } from '../../../../src/core/errors.js';

const loads = vi.hoisted(() => ({ count: 0 }));

vi.mock('../../../../src/testing/internal/load-optional-peer.node.js', () => ({
  loadOptionalPeer: (peer: string, feature: string) => {
    loads.count += 1;
    throw new WebhookValidationError(
      'optional_dependency_missing',
      `${feature} needs the optional peer dependency ${peer}: install it.`,
    );
  },
}));

describe('the arbitraries without fast-check', () => {
  it('import without loading it, and throw optional_dependency_missing naming the function', async () => {
    const modules = await Promise.all([
      import('../../../../src/testing/arbitraries/event-arbitrary.js'),
      import('../../../../src/testing/arbitraries/eudr-event-arbitrary.js'),
      import('../../../../src/testing/arbitraries/subscription-pattern-arbitrary.js'),
      import('../../../../src/testing/arbitraries/subscription-set-arbitrary.js'),
      import('../../../../src/testing/arbitraries/partner-filter-arbitrary.js'),
      import('../../../../src/testing/arbitraries/signed-request-arbitrary.node.js'),
    ]);
    expect(loads.count).toBe(0);
    const builders = modules.flatMap((module) => Object.values(module)) as (() => unknown)[];
    expect(builders.map((builder) => builder.name).sort()).toEqual([
      'eudrEventArbitrary',
      'eventArbitrary',
      'partnerFilterArbitrary',
      'signedRequestArbitrary',
      'subscriptionPatternArbitrary',
      'subscriptionSetArbitrary',
    ]);
    for (const build of builders) {
      expect(build).toThrow(
        expect.objectContaining({
          code: 'optional_dependency_missing',
          message: expect.stringContaining(
            `${build.name} needs the optional peer dependency fast-check`,
          ),
        }),
      );
    }
  });

  it('checks options before it looks for fast-check', async () => {
    const { eventArbitrary } = await import(
      '../../../../src/testing/arbitraries/event-arbitrary.js'
    );
    expect(() => eventArbitrary({ types: [] })).toThrow(
      expect.objectContaining({ code: 'invalid_option' }),
    );
  });
});
