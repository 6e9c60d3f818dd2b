import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createSampleEudrEvent,
  createSampleEvent,
} from '../../../src/core/catalog/sample-events.js';
import { isWebhooksError, WebhookVerificationError } from '../../../src/core/errors.js';
import { constructEudrEvent } from '../../../src/receiver/construct-eudr-event.node.js';
import { constructEudrEventAsync } from '../../../src/receiver/construct-eudr-event.web.js';
import { constructEvent } from '../../../src/receiver/construct-event.node.js';
import { constructEventAsync } from '../../../src/receiver/construct-event.web.js';
import type { HeadersInput } from '../../../src/receiver/headers.js';
import { signEudrPayload } from '../../../src/signature/sign-eudr-payload.node.js';
import { signNovatradePayload } from '../../../src/signature/sign-novatrade-payload.node.js';

const SECRET = 'whsec_receiver_test';
const T = 1_790_000_000;
const now = () => T * 1000;

type Construct = (
  body: string | Uint8Array,
  headers: HeadersInput,
  secret: string | readonly string[],
  options?: Parameters<typeof constructEvent>[3],
) => unknown;

// The same cases over the node:crypto and the WebCrypto build (CONTRIBUTING.md, "Tests").
const VARIANTS: readonly [string, Construct][] = [
  ['constructEvent (node:crypto)', constructEvent as Construct],
  ['constructEventAsync (WebCrypto)', constructEventAsync as Construct],
];

async function outcome(
  run: () => unknown,
): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error };
  }
}

async function codeOf(run: () => unknown): Promise<string> {
  const result = await outcome(run);
  if (result.ok) throw new Error('expected a failure');
  if (!isWebhooksError(result.error)) throw result.error;
  return result.error.code;
}

function signed(event: unknown, options: { secret?: string; timestamp?: number } = {}) {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  const header = signNovatradePayload(body, options.secret ?? SECRET, {
    timestamp: options.timestamp ?? T,
  });
  return { body, header };
}

describe.each(VARIANTS)('%s', (_name, construct) => {
  it('valid signed event -> the typed event, equal to what was sent', async () => {
    const event = createSampleEvent('compliance.decision_made', { id: 'evt_1' });
    const { body, header } = signed(event);
    const result = await construct(body, { 'X-Novatrade-Signature': header }, SECRET, { now });
    expect(result).toEqual(event);
  });

  it.each([
    ['a Headers object', (h: string) => new Headers({ 'x-novatrade-signature': h })],
    ['Node lowercase record', (h: string) => ({ 'x-novatrade-signature': h, host: 'x' })],
    ['mixed-case record', (h: string) => ({ 'X-NOVATRADE-Signature': h })],
    ['a repeated header array', (h: string) => ({ 'x-novatrade-signature': [h] })],
  ])('headers as %s -> verified', async (_label, make) => {
    const { body, header } = signed(createSampleEvent('kyc.vies_check_failed'));
    await expect(
      Promise.resolve(construct(body, make(header), SECRET, { now })),
    ).resolves.toMatchObject({ type: 'kyc.vies_check_failed' });
  });

  it('Uint8Array body (a Buffer view with an offset) -> verified over exactly those bytes', async () => {
    const { body, header } = signed(createSampleEvent('prospect.submitted'));
    const bytes = new TextEncoder().encode(`xx${body}yy`).subarray(2, 2 + body.length);
    await expect(
      Promise.resolve(construct(bytes, { 'x-novatrade-signature': header }, SECRET, { now })),
    ).resolves.toMatchObject({ type: 'prospect.submitted' });
  });

  it('parsed object instead of the raw body -> invalid_payload_type naming Express, Fastify, Next.js and Hono', async () => {
    const { header } = signed(createSampleEvent('prospect.submitted'));
    const result = await outcome(() =>
      construct({ id: 'evt' } as never, { 'x-novatrade-signature': header }, SECRET, { now }),
    );
    expect(result.ok).toBe(false);
    const error = (result as { error: WebhookVerificationError }).error;
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(error.code).toBe('invalid_payload_type');
    for (const word of ['express.raw', 'Fastify', 'Next.js', 'Hono', 'got an object']) {
      expect(error.message).toContain(word);
    }
  });

  it('tampered body -> signature_mismatch', async () => {
    const { body, header } = signed(createSampleEvent('prospect.submitted'));
    const tampered = body.replace('COMPANY', 'PERSON');
    expect(tampered).not.toBe(body);
    expect(
      await codeOf(() => construct(tampered, { 'x-novatrade-signature': header }, SECRET, { now })),
    ).toBe('signature_mismatch');
  });

  it('missing header / wrong secret / stale / future -> the verifier codes', async () => {
    const event = createSampleEvent('export_file.generated');
    const ok = signed(event);
    expect(await codeOf(() => construct(ok.body, {}, SECRET, { now }))).toBe('missing_header');
    const other = signed(event, { secret: 'whsec_other' });
    expect(
      await codeOf(() =>
        construct(other.body, { 'x-novatrade-signature': other.header }, SECRET, { now }),
      ),
    ).toBe('signature_mismatch');
    const stale = signed(event, { timestamp: T - 301 });
    expect(
      await codeOf(() =>
        construct(stale.body, { 'x-novatrade-signature': stale.header }, SECRET, { now }),
      ),
    ).toBe('timestamp_too_old');
    const future = signed(event, { timestamp: T + 301 });
    expect(
      await codeOf(() =>
        construct(future.body, { 'x-novatrade-signature': future.header }, SECRET, { now }),
      ),
    ).toBe('timestamp_too_new');
  });

  it('rotation: either of two secrets verifies', async () => {
    const event = createSampleEvent('self_service_invitation.used');
    for (const secret of ['whsec_new', 'whsec_old']) {
      const { body, header } = signed(event, { secret });
      await expect(
        Promise.resolve(
          construct(body, { 'x-novatrade-signature': header }, ['whsec_new', 'whsec_old'], { now }),
        ),
      ).resolves.toEqual(event);
    }
  });

  it('signed but not JSON -> invalid_json; signed but a bad envelope -> invalid_event', async () => {
    const notJson = signed('{"id":');
    expect(
      await codeOf(() =>
        construct(notJson.body, { 'x-novatrade-signature': notJson.header }, SECRET, { now }),
      ),
    ).toBe('invalid_json');
    const bad = signed({ ...createSampleEvent('compliance.decision_made'), organizationUuid: 7 });
    expect(
      await codeOf(() =>
        construct(bad.body, { 'x-novatrade-signature': bad.header }, SECRET, { now }),
      ),
    ).toBe('invalid_event');
  });

  it('the signature is checked before the body is parsed: an unsigned bad body fails 401-style', async () => {
    expect(
      await codeOf(() =>
        construct('{"id":', { 'x-novatrade-signature': 't=1,v1=00' }, SECRET, { now }),
      ),
    ).toBe('malformed_header');
  });

  it('unknown type -> an unknown event (lenient); unknown_event_type (strict)', async () => {
    const { body, header } = signed({
      ...createSampleEvent('prospect.submitted'),
      type: 'order.created',
    });
    await expect(
      Promise.resolve(construct(body, { 'x-novatrade-signature': header }, SECRET, { now })),
    ).resolves.toMatchObject({ type: 'order.created' });
    expect(
      await codeOf(() =>
        construct(body, { 'x-novatrade-signature': header }, SECRET, { now, strict: true }),
      ),
    ).toBe('unknown_event_type');
  });

  it('acceptedSchemaVersions: a version outside the list -> unsupported_schema_version saying what to do', async () => {
    const v2 = signed({ ...createSampleEvent('prospect.submitted'), schemaVersion: 2 });
    const result = await outcome(() =>
      construct(v2.body, { 'x-novatrade-signature': v2.header }, SECRET, {
        now,
        acceptedSchemaVersions: [1],
      }),
    );
    expect(result.ok).toBe(false);
    const error = (result as { error: Error & { code: string } }).error;
    expect(error.code).toBe('unsupported_schema_version');
    expect(error.message).toContain(
      "the event's `schemaVersion` is not one this receiver accepts (accepted: 1)",
    );
    expect(error.message).toContain('acceptedSchemaVersions [1]');
    const v1 = signed(createSampleEvent('prospect.submitted'));
    await expect(
      Promise.resolve(
        construct(v1.body, { 'x-novatrade-signature': v1.header }, SECRET, {
          now,
          acceptedSchemaVersions: [1, 2],
        }),
      ),
    ).resolves.toMatchObject({ schemaVersion: 1 });
  });

  it.each([
    ['headers', null, {}, 'invalid_option'],
    ['acceptedSchemaVersions', {}, { acceptedSchemaVersions: [] }, 'invalid_option'],
    ['acceptedSchemaVersions', {}, { acceptedSchemaVersions: [0] }, 'invalid_option'],
    ['toleranceSeconds', {}, { toleranceSeconds: 0 }, 'invalid_option'],
  ])('bad %s -> %s', async (_name, headers, options, code) => {
    const { body, header } = signed(createSampleEvent('prospect.submitted'));
    const h = headers === null ? null : { ...headers, 'x-novatrade-signature': header };
    expect(await codeOf(() => construct(body, h as never, SECRET, { now, ...options }))).toBe(code);
  });

  it('never puts the secret, the signature or the body in an error message', async () => {
    const event = createSampleEvent('compliance.decision_made');
    const { body, header } = signed(event);
    const v1 = header.split('v1=')[1] ?? '';
    const failures = [
      () =>
        construct(body, { 'x-novatrade-signature': header }, 'whsec_wrong_secret_value', { now }),
      () => construct(`${body} `, { 'x-novatrade-signature': header }, SECRET, { now }),
      () => construct({ body } as never, { 'x-novatrade-signature': header }, SECRET, { now }),
    ];
    for (const run of failures) {
      const result = await outcome(run);
      const message = (result as { error: Error }).error.message;
      expect(message).not.toContain('whsec_wrong_secret_value');
      expect(message).not.toContain(SECRET);
      expect(message).not.toContain(v1);
      expect(message).not.toContain('VALID_EXPORT');
    }
  });
});

describe('constructEvent and constructEventAsync agree (differential, fast-check)', () => {
  it('for any body, header and secret: same event or same error code', async () => {
    const event = createSampleEvent('compliance.decision_made');
    const body = JSON.stringify(event);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant(body),
          fc.string(),
          fc.string().map((s) => body.replace('VALID_EXPORT', s)),
        ),
        fc.oneof(fc.constant(SECRET), fc.string({ minLength: 1, maxLength: 20 })),
        fc.integer({ min: T - 400, max: T + 400 }),
        fc.boolean(),
        async (payload, signingSecret, timestamp, corruptHeader) => {
          let header = signNovatradePayload(body, signingSecret, { timestamp });
          if (corruptHeader) header = header.slice(0, -1);
          const headers = { 'x-novatrade-signature': header };
          const sync = await outcome(() => constructEvent(payload, headers, SECRET, { now }));
          const web = await outcome(() => constructEventAsync(payload, headers, SECRET, { now }));
          expect(web.ok).toBe(sync.ok);
          if (sync.ok && web.ok) expect(web.value).toEqual(sync.value);
          if (!sync.ok && !web.ok) {
            expect((web.error as { code: string }).code).toBe(
              (sync.error as { code: string }).code,
            );
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe.each([
  ['constructEudrEvent (node:crypto)', constructEudrEvent as Construct],
  ['constructEudrEventAsync (WebCrypto)', constructEudrEventAsync as Construct],
])('%s', (_name, construct) => {
  const event = createSampleEudrEvent('supplier.created');
  const body = JSON.stringify(event);

  it('valid sha256= signature -> the typed EUDR event', async () => {
    const headers = { 'X-Webhook-Signature': signEudrPayload(body, SECRET) };
    await expect(Promise.resolve(construct(body, headers, SECRET))).resolves.toEqual(event);
  });

  it('bare hex signature (docs/design.md §7, N-1) -> accepted', async () => {
    const hex = signEudrPayload(body, SECRET).slice('sha256='.length);
    await expect(
      Promise.resolve(construct(body, new Headers({ 'x-webhook-signature': hex }), SECRET)),
    ).resolves.toEqual(event);
  });

  it('tampered body -> signature_mismatch; parsed body -> invalid_payload_type', async () => {
    const headers = { 'x-webhook-signature': signEudrPayload(body, SECRET) };
    expect(await codeOf(() => construct(`${body} `, headers, SECRET))).toBe('signature_mismatch');
    expect(await codeOf(() => construct(event as never, headers, SECRET))).toBe(
      'invalid_payload_type',
    );
  });

  it('toleranceSeconds turns on the X-Webhook-Timestamp window; a missing timestamp then fails closed', async () => {
    const signature = signEudrPayload(body, SECRET);
    const at = (iso: string) => ({ 'x-webhook-signature': signature, 'x-webhook-timestamp': iso });
    const nowMs = () => Date.parse('2026-04-22T10:30:00.000Z');
    await expect(
      Promise.resolve(
        construct(body, at('2026-04-22T10:29:00.000Z'), SECRET, {
          toleranceSeconds: 300,
          now: nowMs,
        }),
      ),
    ).resolves.toEqual(event);
    expect(
      await codeOf(() =>
        construct(body, at('2026-04-22T10:00:00.000Z'), SECRET, {
          toleranceSeconds: 300,
          now: nowMs,
        }),
      ),
    ).toBe('timestamp_too_old');
    expect(
      await codeOf(() =>
        construct(body, { 'x-webhook-signature': signature }, SECRET, {
          toleranceSeconds: 300,
          now: nowMs,
        }),
      ),
    ).toBe('missing_header');
    // Without the option the (unsigned) timestamp is not checked at all.
    await expect(
      Promise.resolve(construct(body, at('2020-01-01T00:00:00.000Z'), SECRET)),
    ).resolves.toEqual(event);
  });
});

describe('constructEvent options are checked before the signature', () => {
  it.each([
    ['strict: "yes"', { strict: 'yes' }],
    ['options as a string', 'strict'],
  ])('%s on a stale request -> invalid_option, not timestamp_too_old', async (_label, options) => {
    const body = JSON.stringify(createSampleEvent('prospect.submitted'));
    const header = signNovatradePayload(body, SECRET, { timestamp: T - 10_000 });
    for (const construct of [constructEvent, constructEventAsync] as Construct[]) {
      expect(
        await codeOf(() =>
          construct(body, { 'x-novatrade-signature': header }, SECRET, options as never),
        ),
      ).toBe('invalid_option');
    }
  });
});

describe("acceptedSchemaVersions of a frozen list (a receiver's) is checked once, and still enforced", () => {
  it('the same frozen list on many calls -> the same answers as a fresh list', async () => {
    const frozen = Object.freeze([1]);
    const v2 = JSON.stringify({ ...createSampleEvent('prospect.submitted'), schemaVersion: 2 });
    const header = signNovatradePayload(v2, SECRET, { timestamp: T });
    for (let i = 0; i < 3; i++) {
      expect(
        await codeOf(() =>
          constructEvent(v2, { 'x-novatrade-signature': header }, SECRET, {
            now,
            acceptedSchemaVersions: frozen,
          }),
        ),
      ).toBe('unsupported_schema_version');
    }
    expect(
      await codeOf(() =>
        constructEvent(v2, { 'x-novatrade-signature': header }, SECRET, {
          now,
          acceptedSchemaVersions: Object.freeze([0]),
        }),
      ),
    ).toBe('invalid_option');
  });
});
