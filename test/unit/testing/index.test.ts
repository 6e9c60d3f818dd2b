// The runtime export list of the `/testing` entry, pinned so that an API change shows in review
// (CONTRIBUTING.md, "Modules").
import { describe, expect, it } from 'vitest';
import * as testing from '../../../src/testing/index.js';

describe('@novatrade24/webhooks/testing exports', () => {
  it('exports exactly the documented runtime names', () => {
    expect(Object.keys(testing).sort()).toEqual([
      'EUDR_EVENT_FIXTURES',
      'EVENT_FIXTURES',
      'TEST_API_KEY',
      'TEST_CLIENT_ID',
      'TEST_CLIENT_SECRET',
      'TEST_EUDR_API_KEY',
      'TEST_ORGANIZATION_UUID',
      'ZERO_UUID',
      'createFakeClock',
      'createManagementApiHandlers',
      'createRecordingTransport',
      'createSampleEudrEvent',
      'createSampleEvent',
      'createSignedRequest',
      'eudrEventArbitrary',
      'eventArbitrary',
      'generateEudrTestHeader',
      'generateStandardTestHeaders',
      'generateTestHeader',
      'partnerFilterArbitrary',
      'signedRequestArbitrary',
      'subscriptionPatternArbitrary',
      'subscriptionSetArbitrary',
    ]);
  });
});
