// Type tests (checked by `tsc -p test/tsconfig.json`): the mock's handlers go into msw's
// `setupServer`, its transport is typed by the option, its option list is complete.

import type { setupServer } from 'msw/node';
import { describe, expectTypeOf, it } from 'vitest';
import type { UnlistedOptionNames } from '../../../src/core/internal/assert-known-options.js';
import type { HttpTransport } from '../../../src/sender/http-transport.node.js';
import type { WebhookSender } from '../../../src/sender/webhook-sender.js';
import {
  createManagementApiHandlers,
  type ManagementApiMock,
  type ManagementApiMockOptions,
  type MockFault,
} from '../../../src/testing/create-management-api-handlers.js';
import type { RecordingTransport } from '../../../src/testing/create-recording-transport.js';
import type { MANAGEMENT_API_MOCK_OPTION_NAMES } from '../../../src/testing/internal/resolve-mock-options.js';

describe('createManagementApiHandlers types', () => {
  it('lists every option', () => {
    expectTypeOf<
      UnlistedOptionNames<ManagementApiMockOptions, typeof MANAGEMENT_API_MOCK_OPTION_NAMES>
    >().toEqualTypeOf<never>();
  });

  it('hands msw handlers to setupServer', () => {
    expectTypeOf<ManagementApiMock['handlers'][number]>().toMatchTypeOf<
      Parameters<typeof setupServer>[number]
    >();
  });

  it('types the transport by the option: a RecordingTransport by default', () => {
    // (type-checked only: test-d files do not run)
    expectTypeOf(createManagementApiHandlers()).toEqualTypeOf<
      ManagementApiMock<RecordingTransport>
    >();
    expectTypeOf(createManagementApiHandlers({ transport: {} as HttpTransport })).toEqualTypeOf<
      ManagementApiMock<HttpTransport>
    >();
    expectTypeOf<ManagementApiMock<HttpTransport>['transport']>().toEqualTypeOf<HttpTransport>();
    expectTypeOf<ManagementApiMock['sender']>().toEqualTypeOf<WebhookSender>();
  });

  it('takes only the statuses a fault can answer', () => {
    expectTypeOf<MockFault['status']>().toEqualTypeOf<429 | 500 | 502 | 503 | 504>();
    // @ts-expect-error 404 is the API's own answer, not a fault
    const notAFault: MockFault = { status: 404 };
    void notAFault;
  });
});
