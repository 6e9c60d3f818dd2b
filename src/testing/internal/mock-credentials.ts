// The credentials the management API mock (`createManagementApiHandlers`) accepts unless told
// otherwise, exported from `/testing` so that a test can authenticate without configuring any.
// Test values, recognisably synthetic: never use them against a real service.

/** The client id of the mock's default client-credentials client. */
export const TEST_CLIENT_ID = 'api-client-test';

/** The client secret of the mock's default client-credentials client. */
export const TEST_CLIENT_SECRET = 'test-client-secret-0123456789abcdef';

/** The static API key the mock accepts by default (a Bearer token). */
export const TEST_API_KEY = 'nt24_test_0123456789abcdef0123456789abcdef';

/** The organization of the mock's default client and API key. */
export const TEST_ORGANIZATION_UUID = '00000000-0000-4000-8000-000000000024';

/** The API token the mock's EUDR registration API accepts by default (`eudr_live_` + 48 hex). */
export const TEST_EUDR_API_KEY = 'eudr_live_000000000000000000000000000000000000000000000024';
