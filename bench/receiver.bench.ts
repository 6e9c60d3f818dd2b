// `npm run bench -- receiver`: the receiver's cost, against the baselines of the receiver issue.
// 1. constructEvent (verify + JSON.parse + zod validation of envelope and data) against
//    stripe-node's constructEvent (verify + JSON.parse, no validation), 1 KiB and 16 KiB events;
//    16 KiB twice: made of long strings, and made of ~200 small objects (validation's worst case).
// 2. fetchHandler end to end (Request in, Response out, memory dedupe, one handler) against
//    constructEvent alone on the same raw body and headers. The Request is built before each
//    sample, untimed (the runtime builds it, not the handler).
import Stripe from 'stripe';
import { createSampleEvent } from '../src/core/catalog/sample-events.js';
import { fetchHandler } from '../src/receiver/adapters/fetch-handler.js';
import { constructEvent } from '../src/receiver/construct-event.node.js';
import { MemoryDedupeStore } from '../src/receiver/memory-dedupe-store.js';
import { WebhookReceiver } from '../src/receiver/webhook-receiver.node.js';
import { signNovatradePayload } from '../src/signature/sign-novatrade-payload.node.js';
import { type BenchSuite, type Comparison, compare } from './harness.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw9dQ3XL0f2qY';
const stripe = new Stripe('sk_test_bench');

type Shape = 'text' | 'objects';

/**
 * A valid `compliance.status_changed` event of about `size` bytes. `objects`: padded with blocker
 * objects (about 200 at 16 KiB: the worst case for validation, every object is checked).
 * `text`: the same event with a few blockers whose messages are long (what a large real event
 * looks like: the catalog's payloads are small objects with strings).
 */
function body(size: number, id: string, shape: Shape = 'objects'): string {
  const blockers: { module: string; code: string; message: string }[] = [];
  const event = createSampleEvent('compliance.status_changed', { id });
  let text = JSON.stringify(event);
  const message =
    shape === 'objects' ? 'CMR document missing.' : 'CMR document missing. '.repeat(60);
  while (text.length < size) {
    blockers.push({ module: 'transport', code: 'MISSING_CMR', message });
    text = JSON.stringify({ ...event, data: { ...event.data, blockers } });
  }
  return text;
}

async function constructBySize(label: string, size: number, shape: Shape): Promise<Comparison> {
  const raw = body(size, 'evt_bench_construct', shape);
  const timestamp = Math.floor(Date.now() / 1000);
  const header = signNovatradePayload(raw, SECRET, { timestamp });
  const headers = { 'x-novatrade-signature': header };
  // Sanity: both succeed on this input.
  constructEvent(raw, headers, SECRET, { strict: true });
  stripe.webhooks.constructEvent(raw, header, SECRET);
  const blockers = (JSON.parse(raw) as { data: { blockers: unknown[] } }).data.blockers.length;
  return compare(`constructEvent, ${label} event (${raw.length} bytes, ${blockers} blockers)`, {
    baseline: {
      name: 'stripe.webhooks.constructEvent (verify + parse)',
      fn: () => stripe.webhooks.constructEvent(raw, header, SECRET),
    },
    cases: [
      {
        name: 'constructEvent (verify + parse + validate)',
        fn: () => constructEvent(raw, headers, SECRET),
      },
      {
        name: 'constructEvent, strict',
        fn: () => constructEvent(raw, headers, SECRET, { strict: true }),
      },
    ],
    rounds: 7,
    timeMs: 150,
    batch: size <= 1024 ? 4 : 1,
  });
}

async function handlerEndToEnd(): Promise<Comparison> {
  // Distinct event ids, cycled. The dedupe store's clock advances 1 ms per call (reserve and
  // complete: 2 per request) and ids live POOL ms, so an id has expired by the time it comes
  // round again: every request takes the full path (reserve, handler, complete).
  const POOL = 4096;
  const timestamp = Math.floor(Date.now() / 1000);
  const pool = Array.from({ length: POOL }, (_, i) => {
    const raw = body(1024, `evt_bench_${i.toString().padStart(8, '0')}`);
    return {
      raw,
      length: Buffer.byteLength(raw),
      header: signNovatradePayload(raw, SECRET, { timestamp }),
    };
  });
  let tick = 0;
  const dedupe = new MemoryDedupeStore({ now: () => tick++ });
  let handled = 0;
  const receiver = new WebhookReceiver({
    secret: SECRET,
    dedupe,
    dedupeTtlMs: POOL,
    processingLeaseMs: 64,
  }).on('compliance.status_changed', () => {
    handled++;
  });
  const handle = fetchHandler(receiver);
  let next = 0;
  const request = () => {
    const item = pool[next++ % POOL] as (typeof pool)[number];
    return new Request('http://127.0.0.1/webhooks', {
      method: 'POST',
      body: item.raw,
      // As an incoming HTTP request carries it (the Node and Workers servers set it).
      headers: {
        'content-type': 'application/json',
        'content-length': String(item.length),
        'x-novatrade-signature': item.header,
      },
    });
  };
  const check = await handle(request());
  if (check.status !== 200 || handled !== 1)
    throw new Error(`fetchHandler answered ${check.status}`);

  // The Request is built before each sample, untimed: the runtime makes it, not the handler.
  // Baseline: constructEvent alone, on the raw body and headers of a pooled delivery.
  let current: Request = request();
  let raw = pool[0] as (typeof pool)[number];
  return compare('fetchHandler end to end vs constructEvent alone, 1 KiB event', {
    baseline: {
      name: 'constructEvent(rawBody, headers, secret)',
      setup: () => {
        raw = pool[next++ % POOL] as (typeof pool)[number];
      },
      fn: () => constructEvent(raw.raw, { 'x-novatrade-signature': raw.header }, SECRET),
    },
    cases: [
      {
        name: 'receiver.handle({ method, headers, body }): verify, parse, dedupe, handler (no Fetch objects)',
        setup: () => {
          raw = pool[next++ % POOL] as (typeof pool)[number];
        },
        fn: () =>
          receiver.handle({
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-novatrade-signature': raw.header,
            },
            body: raw.raw,
          }),
      },
      {
        name: 'Fetch floor: read the Request body and build a Response, no webhook work',
        setup: () => {
          current = request();
        },
        fn: async () => {
          const reader = (current.body as ReadableStream<Uint8Array>).getReader();
          while (!(await reader.read()).done) {
            // drain
          }
          return new Response('{"received":true}', {
            status: 200,
            headers: { 'content-type': 'application/json' },
          });
        },
      },
      {
        name: 'fetchHandler(receiver)(request): read body, verify, parse, dedupe, handler, Response',
        setup: () => {
          current = request();
        },
        fn: () => handle(current),
      },
    ],
    rounds: 7,
    timeMs: 200,
    async: true,
  });
}

const suite: BenchSuite = async () => [
  await constructBySize('1 KiB', 1024, 'objects'),
  await constructBySize('16 KiB text-heavy', 16 * 1024, 'text'),
  await constructBySize('16 KiB object-heavy', 16 * 1024, 'objects'),
  await handlerEndToEnd(),
];
export default suite;
