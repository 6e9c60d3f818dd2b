import { describe, expect, it } from 'vitest';
import { createSampleEvent } from '../../../src/core/catalog/sample-events.js';
import { isWebhooksError } from '../../../src/core/errors.js';
import { constructStandardEvent } from '../../../src/receiver/construct-standard-event.node.js';
import { constructStandardEventAsync } from '../../../src/receiver/construct-standard-event.web.js';
import type { HeadersInput } from '../../../src/receiver/headers.js';
import { signNovatradePayload } from '../../../src/signature/sign-novatrade-payload.node.js';
import { signStandardWebhook } from '../../../src/signature/sign-standard-webhook.node.js';

const SECRET = `whsec_${Buffer.alloc(32, 0x42).toString('base64')}`;
const T = 1_790_000_000;
const now = () => T * 1000;

type Construct = (
  body: string | Uint8Array,
  headers: HeadersInput,
  secret: string | readonly string[],
  options?: Parameters<typeof constructStandardEvent>[3],
) => unknown;

// The same cases over the node:crypto and the WebCrypto build (CONTRIBUTING.md, "Tests").
const VARIANTS: readonly [string, Construct][] = [
  ['constructStandardEvent (node:crypto)', constructStandardEvent as Construct],
  ['constructStandardEventAsync (WebCrypto)', constructStandardEventAsync as Construct],
];

async function codeOf(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (!isWebhooksError(error)) throw error;
    return error.code;
  }
  throw new Error('expected a failure');
}

function signed(event: unknown, options: { id?: string; timestamp?: number } = {}) {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  const id = options.id ?? (event as { id?: string }).id ?? 'evt_1';
  const headers = signStandardWebhook(body, {
    id,
    secret: SECRET,
    timestamp: options.timestamp ?? T,
  });
  return { body, headers };
}

describe.each(VARIANTS)('%s', (name, construct) => {
  it('a signed event -> the typed event, equal to what was sent, from any form of the headers', async () => {
    const event = createSampleEvent('compliance.decision_made', { id: 'evt_1' });
    const { body, headers } = signed(event);
    for (const input of [
      headers,
      new Headers(headers),
      {
        'Webhook-Id': headers['webhook-id'],
        'WEBHOOK-TIMESTAMP': headers['webhook-timestamp'],
        'webhook-signature': headers['webhook-signature'],
      },
    ]) {
      expect(await construct(body, input, SECRET, { now })).toEqual(event);
      expect(await construct(Buffer.from(body), input, SECRET, { now })).toEqual(event);
    }
  });

  it('strict and acceptedSchemaVersions apply as in constructEvent', async () => {
    const unknown = {
      ...createSampleEvent('compliance.decision_made', { id: 'evt_2' }),
      type: 'future.event',
    };
    const { body, headers } = signed(unknown);
    expect(await construct(body, headers, SECRET, { now })).toMatchObject({ type: 'future.event' });
    expect(await codeOf(() => construct(body, headers, SECRET, { now, strict: true }))).toBe(
      'unknown_event_type',
    );
    const known = signed(createSampleEvent('kyc.verification_completed', { id: 'evt_3' }));
    expect(
      await codeOf(() =>
        construct(known.body, known.headers, SECRET, { now, acceptedSchemaVersions: [2] }),
      ),
    ).toBe('unsupported_schema_version');
  });

  it('a tampered body, a stale timestamp or a Novatrade24 signature fails with its code', async () => {
    const { body, headers } = signed(
      createSampleEvent('compliance.decision_made', { id: 'evt_4' }),
    );
    expect(await codeOf(() => construct(`${body} `, headers, SECRET, { now }))).toBe(
      'signature_mismatch',
    );
    expect(
      await codeOf(() => construct(body, headers, SECRET, { now: () => (T + 301) * 1000 })),
    ).toBe('timestamp_too_old');
    expect(await codeOf(() => construct(body, headers, SECRET, { now, toleranceSeconds: 0 }))).toBe(
      'invalid_option',
    );
    const novatrade = {
      'X-Novatrade-Signature': signNovatradePayload(body, SECRET, { timestamp: T }),
    };
    expect(await codeOf(() => construct(body, novatrade, SECRET, { now }))).toBe('missing_header');
  });

  it('verifies before parsing: an unsigned non-JSON body is a signature error, a signed one invalid_json', async () => {
    const { headers } = signed('{}', { id: 'evt_5' });
    expect(await codeOf(() => construct('not json', headers, SECRET, { now }))).toBe(
      'signature_mismatch',
    );
    const broken = signed('not json', { id: 'evt_5' });
    expect(await codeOf(() => construct(broken.body, broken.headers, SECRET, { now }))).toBe(
      'invalid_json',
    );
  });

  it('a parsed body or bad headers are refused before the signature, naming the function', async () => {
    const { headers } = signed('{}', { id: 'evt_6' });
    const fnName = name.split(' ')[0] as string;
    try {
      await construct({ id: 'evt_6' } as never, headers, SECRET, { now });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'invalid_payload_type' });
      expect((error as Error).message).toContain(fnName);
    }
    expect(await codeOf(() => construct('{}', null as never, SECRET, { now }))).toBe(
      'invalid_option',
    );
    expect(
      await codeOf(() => construct('{}', headers, SECRET, { now, strict: 'yes' } as never)),
    ).toBe('invalid_option');
  });
});

describe('constructStandardEventAsync', () => {
  it('rejects instead of throwing synchronously', async () => {
    const promise = constructStandardEventAsync({} as never, {}, SECRET);
    expect(promise).toBeInstanceOf(Promise);
    await expect(promise).rejects.toMatchObject({ code: 'invalid_payload_type' });
  });
});
