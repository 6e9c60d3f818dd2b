import type { RandomSource } from '../random.js';

/**
 * How a wire profile's signing secrets look, for a profile whose scheme needs a particular format
 * (the Standard Webhooks key is `whsec_` + standard base64, decoded, docs/design.md §5.22). A
 * sender mints new secrets with `create` and refuses a caller's secret that `check` objects to.
 * A profile without one takes any 16 to 256 visible ASCII characters and mints
 * `createWebhookSecret`'s `whsec_` + base64url.
 *
 * @example
 * ```ts
 * const format = STANDARD_WEBHOOKS_PROFILE.secretFormat;
 * format?.check('whsec_abc'); // 'expected "whsec_" followed by 24 to 64 random bytes …'
 * ```
 */
export interface SecretFormat {
  /** A new secret from `random`, a cryptographically secure source of bytes. */
  create(random: RandomSource): string;
  /**
   * Why `secret` cannot sign for this profile, as a message that never quotes it, or `null` when
   * it can. Called after the generic rule (16 to 256 visible ASCII characters) passed.
   */
  check(secret: string): string | null;
}
