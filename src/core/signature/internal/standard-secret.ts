// Standard Webhooks secrets: `whsec_` + standard base64 of random bytes; the HMAC key is the
// decoded bytes (docs/design.md §5.22). Messages name the secret's position and length, never
// its content.
import { WEBHOOK_SECRET_PREFIX } from '../../ids.js';
import type { RandomSource } from '../../random.js';
import { assertSecrets, invalidSecret } from './assert-secrets.js';
import { type Base64Problem, base64Decode, base64Encode } from './base64.js';

/** Fewest key bytes an issued secret may have (the specification: "at least 24 bytes"). */
export const STANDARD_SECRET_MIN_BYTES = 24;
/** Most key bytes an issued secret may have (the specification: "512 [bits] maximum"). */
export const STANDARD_SECRET_MAX_BYTES = 64;
/** Random bytes in a generated secret: 256 bits, as `createWebhookSecret`. */
export const STANDARD_SECRET_BYTES = 32;

/** Validated secrets and their key bytes, in the caller's order. */
export interface StandardKeys {
  readonly secrets: readonly string[];
  readonly keys: readonly Uint8Array[];
}

/**
 * The HMAC keys of one secret or a list: each secret is `whsec_<base64>` or bare base64 (as the
 * reference library accepts), padding optional, decoding to at least one byte.
 *
 * @throws WebhookValidationError `invalid_secret`
 */
export function decodeStandardSecrets(secret: unknown): StandardKeys {
  const secrets = assertSecrets(secret);
  const keys: Uint8Array[] = [];
  for (let i = 0; i < secrets.length; i++) {
    const name = typeof secret === 'string' ? 'The secret' : `secret[${i}]`;
    const text = withoutPrefix(secrets[i] as string);
    const decoded = text.length === 0 ? null : base64Decode(text);
    if (decoded === null || (decoded instanceof Uint8Array && decoded.length === 0)) {
      throw invalidSecret(
        `${name} has no key: nothing follows the "${WEBHOOK_SECRET_PREFIX}" prefix.`,
        'too_small',
      );
    }
    if (!(decoded instanceof Uint8Array)) {
      throw invalidSecret(problemMessage(name, decoded, text), 'invalid_format');
    }
    keys.push(decoded);
  }
  return { secrets, keys };
}

/**
 * Why `secret` cannot be issued for a Standard Webhooks endpoint, or `null` when it can: the
 * `whsec_` prefix and canonical, padded base64 of 24 to 64 bytes, so that every Standard Webhooks
 * library decodes it (Go's and Python's require the padding). Never quotes the secret.
 */
export function standardSecretProblem(secret: string): string | null {
  const expected =
    `expected "${WEBHOOK_SECRET_PREFIX}" followed by ${STANDARD_SECRET_MIN_BYTES} to ` +
    `${STANDARD_SECRET_MAX_BYTES} random bytes in standard, padded base64 (or omit it to have ` +
    'one generated)';
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) return expected;
  const text = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  const decoded = base64Decode(text);
  if (!(decoded instanceof Uint8Array)) {
    return decoded === 'base64url' ? `${expected}; it looks like base64url` : expected;
  }
  if (decoded.length < STANDARD_SECRET_MIN_BYTES || decoded.length > STANDARD_SECRET_MAX_BYTES) {
    return `${expected}; it decodes to ${decoded.length} bytes`;
  }
  // Canonical: re-encoding gives the same text, so the padding is there and no stray bits are set.
  return base64Encode(decoded) === text ? null : `${expected}; it is not canonical padded base64`;
}

/**
 * A new Standard Webhooks secret from `random`: `whsec_` + 32 random bytes in standard, padded
 * base64 (50 characters in all).
 */
export function createStandardWebhookSecret(random: RandomSource): string {
  return WEBHOOK_SECRET_PREFIX + base64Encode(random(STANDARD_SECRET_BYTES));
}

function withoutPrefix(secret: string): string {
  return secret.startsWith(WEBHOOK_SECRET_PREFIX)
    ? secret.slice(WEBHOOK_SECRET_PREFIX.length)
    : secret;
}

function problemMessage(name: string, problem: Base64Problem, text: string): string {
  const format = `A Standard Webhooks secret is "${WEBHOOK_SECRET_PREFIX}" followed by standard base64.`;
  switch (problem) {
    case 'whitespace':
      return `${name} contains whitespace, often a stray newline from an environment file. ${format}`;
    case 'base64url':
      return (
        `${name} contains "-" or "_": it looks like base64url (generateWebhookSecret() makes ` +
        'those), which Standard Webhooks libraries cannot decode. Issue the secrets of these ' +
        'endpoints with generateStandardWebhookSecret().'
      );
    case 'padding':
      return `${name} has misplaced "=" padding (${text.length} characters after the prefix). ${format}`;
    case 'length':
      return `${name} cannot be base64: ${text.length} characters after the prefix is not a valid length. ${format}`;
    default:
      return (
        `${name} is not base64 after the "${WEBHOOK_SECRET_PREFIX}" prefix: expected A-Z, a-z, ` +
        `0-9, "+" and "/" with optional "=" padding. ${format}`
      );
  }
}
