// Testing entry (`@novatrade24/webhooks/testing`): what a receiver's or sender's test suite needs
// to exercise webhooks without a real sender or a real clock. Node-only, like the signing
// functions it builds on (node:crypto). Every export is named (CONTRIBUTING.md, "Modules"); nothing from
// ./internal is re-exported. Sections follow Biome's sorted module order.

// Event samples (the core catalog's factories, re-exported for tests)
export {
  createSampleEudrEvent,
  createSampleEvent,
  type SampleEudrEventOverrides,
  type SampleEventOverrides,
  ZERO_UUID,
} from '../core/catalog/sample-events.js';
// fast-check arbitraries (fast-check is an optional peer, loaded on first use)
export {
  type EudrEventArbitraryOptions,
  eudrEventArbitrary,
} from './arbitraries/eudr-event-arbitrary.js';
export { type EventArbitraryOptions, eventArbitrary } from './arbitraries/event-arbitrary.js';
export {
  type PartnerFilter,
  type PartnerFilterArbitraryOptions,
  partnerFilterArbitrary,
} from './arbitraries/partner-filter-arbitrary.js';
export {
  type DefaultSignedEventOf,
  type GeneratedSignedRequest,
  type SignableEventOf,
  type SignedRequestArbitraryOptions,
  type SignedRequestExpectation,
  type SignedRequestFailureCode,
  type SignedRequestTampering,
  type SignedRequestVariant,
  signedRequestArbitrary,
} from './arbitraries/signed-request-arbitrary.node.js';
export {
  type SubscriptionPattern,
  type SubscriptionPatternArbitraryOptions,
  subscriptionPatternArbitrary,
} from './arbitraries/subscription-pattern-arbitrary.js';
export {
  type SubscriptionSetArbitraryOptions,
  subscriptionSetArbitrary,
} from './arbitraries/subscription-set-arbitrary.js';
// Fake clock
export { createFakeClock, type FakeClock, type FakeClockOptions } from './create-fake-clock.js';
// The management API mocked for msw (msw is an optional peer, loaded on first use)
export {
  createManagementApiHandlers,
  type ManagementApiMock,
  type ManagementApiMockClient,
  type ManagementApiMockEudrOptions,
  type ManagementApiMockOptions,
  type MockApiName,
  type MockApiRequest,
  type MockFault,
  type MockFaultMatch,
  type MockFaultStatus,
  type MockTokenRequest,
  TEST_API_KEY,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  TEST_EUDR_API_KEY,
  TEST_ORGANIZATION_UUID,
} from './create-management-api-handlers.js';
// An in-memory transport for sender tests
export {
  createRecordingTransport,
  type RecordingTransport,
  type RecordingTransportOptions,
} from './create-recording-transport.js';
// Signed requests
export {
  type CreateSignedRequestOptions,
  createSignedRequest,
  type SignableEvent,
  type SignedRequest,
  type SignedRequestProfile,
} from './create-signed-request.node.js';
// Event fixtures (deep-frozen, one per type)
export { EUDR_EVENT_FIXTURES, type EudrEventFixtures } from './eudr-event-fixtures.js';
export { EVENT_FIXTURES, type EventFixtures } from './event-fixtures.js';
// Signature headers
export {
  type GenerateEudrTestHeaderOptions,
  generateEudrTestHeader,
} from './generate-eudr-test-header.node.js';
export {
  type GenerateStandardTestHeadersOptions,
  generateStandardTestHeaders,
} from './generate-standard-test-headers.node.js';
export { type GenerateTestHeaderOptions, generateTestHeader } from './generate-test-header.node.js';
