import { describe, expect, it } from 'vitest';
import * as subscription from '../../../../src/core/subscription/index.js';

describe('src/core/subscription/index.ts', () => {
  it('exports exactly the subscription section runtime names', () => {
    expect(Object.keys(subscription).sort()).toEqual([
      'SubscriptionIndex',
      'matchesSubscription',
      'parseSubscriptionPattern',
      'parseSubscriptionPatterns',
      'safeParseSubscriptionPattern',
      'safeParseSubscriptionPatterns',
    ]);
  });
});
