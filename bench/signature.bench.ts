// `npm run bench -- signature`: Novatrade24 signing and verification against the baselines of the
// signature issue: a hand-written minimal verify, Stripe's verifyHeader (same header format), and a
// bare createHmac(...).digest('hex') on the same input. 1 KiB and 16 KiB JSON bodies.
import { createHmac, timingSafeEqual } from 'node:crypto';
import Stripe from 'stripe';
import { signNovatradePayload } from '../src/signature/sign-novatrade-payload.node.js';
import { verifyNovatradeSignature } from '../src/signature/verify-novatrade-signature.node.js';
import {
  type BenchCase,
  type BenchSuite,
  type Comparison,
  compare,
  rebaseComparison,
} from './harness.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw9dQ3XL0f2qY';
const STRIPE = 'stripe.webhooks.signature.verifyHeader';
const BARE = "bare createHmac(…).digest('hex')";
const MINIMAL = 'hand-written minimal verify';
const OURS = 'verifyNovatradeSignature';

/** A realistic envelope (docs/design.md §6.6) padded to `size` bytes of ASCII JSON. */
function envelope(size: number): string {
  const head =
    '{"id":"evt_01hx3k9f2m7q8r4t6v0w5y1z3a","type":"compliance.decision_made","schemaVersion":1,' +
    '"source":"SYSTEM","createdAt":"2026-04-22T10:30:00Z",' +
    '"organizationUuid":"550e8400-e29b-41d4-a716-446655440000",' +
    '"partnerUuid":"11111111-2222-3333-4444-555555555555","data":{"note":"';
  const tail = '"}}';
  let filler = '';
  while (head.length + filler.length + tail.length < size) filler += 'lorem ipsum dolor sit amet ';
  return head + filler.slice(0, size - head.length - tail.length) + tail;
}

/** The verify that the issue calls "hand-written minimal": split, HMAC, hex decode, compare. */
function minimalVerify(body: string, header: string, secret: string): boolean {
  const parts: Record<string, string> = {};
  for (const item of header.split(',')) {
    const [key, value] = item.split('=');
    if (key !== undefined && value !== undefined) parts[key] = value;
  }
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest();
  const received = Buffer.from(parts.v1 ?? '', 'hex');
  return expected.length === received.length && timingSafeEqual(expected, received);
}

async function bySize(label: string, size: number): Promise<Comparison[]> {
  const body = envelope(size);
  const bytes = new Uint8Array(Buffer.from(body));
  const timestamp = Math.floor(Date.now() / 1000); // fresh: valid for the 300 s window
  const header = signNovatradePayload(body, SECRET, { timestamp });
  const t = String(timestamp);
  // Sanity: every case must succeed on this input, or the numbers would measure a throw.
  if (!minimalVerify(body, header, SECRET)) throw new Error('minimal verify rejected the header');
  Stripe.webhooks.signature.verifyHeader(body, header, SECRET, 300);
  verifyNovatradeSignature(body, header, SECRET);
  verifyNovatradeSignature(bytes, header, SECRET);

  const cases: BenchCase[] = [
    { name: OURS, fn: () => verifyNovatradeSignature(body, header, SECRET) },
    {
      name: `${OURS} (Uint8Array body)`,
      fn: () => verifyNovatradeSignature(bytes, header, SECRET),
    },
    { name: STRIPE, fn: () => Stripe.webhooks.signature.verifyHeader(body, header, SECRET, 300) },
    { name: BARE, fn: () => createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex') },
    { name: 'signNovatradePayload', fn: () => signNovatradePayload(body, SECRET, { timestamp }) },
  ];
  const measured = await compare(`Novatrade24 signature, ${label} body`, {
    baseline: { name: MINIMAL, fn: () => minimalVerify(body, header, SECRET) },
    cases,
    rounds: 9,
    timeMs: 150,
    batch: size <= 1024 ? 8 : 1,
  });
  return [
    measured,
    rebaseComparison(measured, STRIPE, `Novatrade24 signature, ${label} body, vs Stripe`),
    rebaseComparison(measured, BARE, `Novatrade24 signature, ${label} body, vs bare HMAC`),
  ];
}

const suite: BenchSuite = async () => [
  ...(await bySize('1 KiB', 1024)),
  ...(await bySize('16 KiB', 16 * 1024)),
];

export default suite;
