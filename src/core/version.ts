/**
 * This package's version, sent in the `User-Agent` of Novatrade24 deliveries
 * (`novatrade24-webhooks/<version>`, docs/design.md §4). A unit test keeps it equal to package.json.
 */
export const VERSION = '0.1.0';
