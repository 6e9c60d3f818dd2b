// Reference signers for the edge suites, on the runtime's own WebCrypto and written from the wire
// formats (docs/signature.md), not from the package: what the package verifies was signed by an
// independent implementation, as the known-answer vectors were by OpenSSL.

const encoder = new TextEncoder();

export const utf8 = (text: string): Uint8Array => encoder.encode(text);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

async function hmacSha256(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const imported = await crypto.subtle.importKey(
    'raw',
    key as Uint8Array<ArrayBuffer>,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return new Uint8Array(
    await crypto.subtle.sign('HMAC', imported, data as Uint8Array<ArrayBuffer>),
  );
}

const hex = (bytes: Uint8Array): string =>
  [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

const bytesOf = (body: string | Uint8Array): Uint8Array =>
  typeof body === 'string' ? utf8(body) : body;

/** `X-Novatrade-Signature`: `t=<t>,v1=<hex HMAC(secret, "<t>." + body)>`, one v1 per secret. */
export async function novatradeHeader(
  body: string | Uint8Array,
  secret: string | readonly string[],
  timestamp: number,
): Promise<string> {
  const signed = concat(utf8(`${timestamp}.`), bytesOf(body));
  const secrets = typeof secret === 'string' ? [secret] : secret;
  const macs = await Promise.all(secrets.map((s) => hmacSha256(utf8(s), signed)));
  return [`t=${timestamp}`, ...macs.map((mac) => `v1=${hex(mac)}`)].join(',');
}

/** `X-Webhook-Signature` (EUDR): `sha256=<hex HMAC(secret, body)>`. */
export async function eudrHeader(body: string | Uint8Array, secret: string): Promise<string> {
  return `sha256=${hex(await hmacSha256(utf8(secret), bytesOf(body)))}`;
}

/**
 * Standard Webhooks headers: `webhook-signature: v1,<base64 HMAC(key, "<id>.<t>." + body)>`,
 * the key being the base64 after the optional `whsec_`.
 */
export async function standardHeaders(
  body: string | Uint8Array,
  options: { id: string; secret: string; timestamp: number },
): Promise<Record<string, string>> {
  const key = fromBase64(options.secret.replace(/^whsec_/, ''));
  const signed = concat(utf8(`${options.id}.${options.timestamp}.`), bytesOf(body));
  return {
    'webhook-id': options.id,
    'webhook-timestamp': String(options.timestamp),
    'webhook-signature': `v1,${toBase64(await hmacSha256(key, signed))}`,
  };
}

/** `bytes` copied into the middle of a larger buffer: a view with a non-zero byteOffset. */
export function offsetView(bytes: Uint8Array, before = 7, after = 5): Uint8Array {
  const backing = new Uint8Array(before + bytes.length + after).fill(0xab);
  backing.set(bytes, before);
  return backing.subarray(before, before + bytes.length);
}
