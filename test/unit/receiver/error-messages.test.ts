// Receiver errors name a field and its shape, never a value from the body (docs/security.md,
// "Receiver-side protections"): a canary planted in any field of a correctly signed body never
// appears in a thrown error, an onError report or a response (problem body or headers), over
// constructEvent*, constructEudrEvent* and both receivers through handle() and fetchHandler.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWebhooksError } from '../../../src/core/errors.js';
import { fetchHandler } from '../../../src/receiver/adapters/fetch-handler.js';
import type { WebhookHandlerTarget } from '../../../src/receiver/adapters/webhook-handler-target.js';
import { constructEudrEvent } from '../../../src/receiver/construct-eudr-event.node.js';
import { constructEudrEventAsync } from '../../../src/receiver/construct-eudr-event.web.js';
import { constructEvent } from '../../../src/receiver/construct-event.node.js';
import { constructEventAsync } from '../../../src/receiver/construct-event.web.js';
import { EudrWebhookReceiver as NodeEudrReceiver } from '../../../src/receiver/eudr-webhook-receiver.node.js';
import { EudrWebhookReceiver as WebEudrReceiver } from '../../../src/receiver/eudr-webhook-receiver.web.js';
import type { ReceiverErrorContext } from '../../../src/receiver/receiver-options.js';
import { WebhookReceiver as NodeReceiver } from '../../../src/receiver/webhook-receiver.node.js';
import { WebhookReceiver as WebReceiver } from '../../../src/receiver/webhook-receiver.web.js';
import { createSignedRequest } from '../../../src/testing/create-signed-request.node.js';
import {
  assertNoLeak,
  errorTexts,
  type PlantedBody,
  plantedEudrBody,
  plantedNovatradeBody,
} from '../../helpers/canary.js';

const SECRET = 'whsec_canary_test';
const T = 1_790_000_000;
const now = () => T * 1000;
/** The EUDR samples' `timestamp`, so that a replay window passes unless the canary is there. */
const eudrNow = () => Date.parse('2024-01-15T10:30:00.000Z');

/** Receiver-level options that make more paths fail: strict, and a version list to miss. */
const novatradeOptions = fc.record({
  strict: fc.boolean(),
  acceptedSchemaVersions: fc.constantFrom(undefined, [1], [2], [2, 3]),
});
const eudrOptions = fc.record({
  strict: fc.boolean(),
  toleranceSeconds: fc.constantFrom(undefined, 300),
});

/** The texts of what `run` throws or rejects with; nothing when it succeeds. */
async function thrownTexts(run: () => unknown): Promise<string[]> {
  try {
    await run();
    return [];
  } catch (error) {
    expect(isWebhooksError(error)).toBe(true);
    return errorTexts(error);
  }
}

/** What a receiver exposes: onError reports (the context without the event) and its answers. */
function reportTexts(error: unknown, context: ReceiverErrorContext<unknown>): string[] {
  const { event: _event, key: _key, ...rest } = context;
  return [...errorTexts(error), JSON.stringify(rest)];
}

function signed(planted: PlantedBody, profile: 'novatrade' | 'eudr') {
  return createSignedRequest(planted.json, { secret: SECRET, timestampSeconds: T, profile });
}

describe('construct* errors never quote a value from the body', () => {
  it('constructEvent and constructEventAsync: no canary in any error, strict or lenient, any acceptedSchemaVersions', async () => {
    await fc.assert(
      fc.asyncProperty(plantedNovatradeBody, novatradeOptions, async (planted, options) => {
        const request = signed(planted, 'novatrade');
        const opts = { ...options, now };
        assertNoLeak(
          planted,
          await thrownTexts(() => constructEvent(request.body, request.headers, SECRET, opts)),
          'constructEvent',
        );
        assertNoLeak(
          planted,
          await thrownTexts(() => constructEventAsync(request.body, request.headers, SECRET, opts)),
          'constructEventAsync',
        );
      }),
      { numRuns: 200 },
    );
  });

  it('constructEudrEvent and constructEudrEventAsync: no canary in any error, strict or lenient', async () => {
    await fc.assert(
      fc.asyncProperty(plantedEudrBody, eudrOptions, async (planted, options) => {
        const request = signed(planted, 'eudr');
        const opts = { ...options, now: eudrNow };
        assertNoLeak(
          planted,
          await thrownTexts(() => constructEudrEvent(request.body, request.headers, SECRET, opts)),
          'constructEudrEvent',
        );
        assertNoLeak(
          planted,
          await thrownTexts(() =>
            constructEudrEventAsync(request.body, request.headers, SECRET, opts),
          ),
          'constructEudrEventAsync',
        );
      }),
      { numRuns: 200 },
    );
  });
});

/** What the check needs of a receiver: an adapter target with onError and onAny. */
interface ReceiverUnderTest extends WebhookHandlerTarget {
  onError(listener: (error: unknown, context: ReceiverErrorContext<unknown>) => void): unknown;
  onAny(handler: () => void): unknown;
}

/** Sends `planted` through `handle` and `fetchHandler`; every report and answer is checked. */
async function checkReceiver(
  receiver: ReceiverUnderTest,
  planted: PlantedBody,
  profile: 'novatrade' | 'eudr',
): Promise<void> {
  const request = signed(planted, profile);
  const reports: string[] = [];
  receiver.onError((error, context) => {
    reports.push(...reportTexts(error, context));
  });
  receiver.onAny(() => undefined);

  const answer = await receiver.handle({
    method: 'POST',
    headers: request.headers,
    body: request.body,
  });
  assertNoLeak(planted, [answer.body, JSON.stringify(answer.headers)], 'handle()');

  const response = await fetchHandler(receiver)(request.toRequest());
  const texts = [await response.text()];
  response.headers.forEach((value, name) => {
    texts.push(`${name}: ${value}`);
  });
  assertNoLeak(planted, texts, 'fetchHandler');
  assertNoLeak(planted, reports, 'an onError report');
}

describe('receivers never quote a value from the body', () => {
  it.each([
    ['node:crypto', NodeReceiver],
    ['WebCrypto', WebReceiver],
  ] as const)('WebhookReceiver (%s): no canary in onError reports or responses', async (_name, Receiver) => {
    await fc.assert(
      fc.asyncProperty(plantedNovatradeBody, novatradeOptions, async (planted, options) => {
        const receiver = new Receiver({
          secret: SECRET,
          now,
          dedupe: false,
          strict: options.strict,
          ...(options.acceptedSchemaVersions === undefined
            ? {}
            : { acceptedSchemaVersions: options.acceptedSchemaVersions }),
        });
        await checkReceiver(receiver, planted, 'novatrade');
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['node:crypto', NodeEudrReceiver],
    ['WebCrypto', WebEudrReceiver],
  ] as const)('EudrWebhookReceiver (%s): no canary in onError reports or responses', async (_name, Receiver) => {
    await fc.assert(
      fc.asyncProperty(plantedEudrBody, eudrOptions, async (planted, options) => {
        const receiver = new Receiver({
          secret: SECRET,
          now: eudrNow,
          dedupe: false,
          strict: options.strict,
          ...(options.toleranceSeconds === undefined
            ? {}
            : { toleranceSeconds: options.toleranceSeconds }),
        });
        await checkReceiver(receiver, planted, 'eudr');
      }),
      { numRuns: 300 },
    );
  });
});
