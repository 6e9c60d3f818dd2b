// Parsers of `listen`'s own option values (`--port`, `--path`), for commander: a value they
// refuse is an `InvalidArgumentError`, which commander prints with the option's name before
// exiting with status 2. Pure, property-tested (test/unit/cli/listen/listen-options.test.ts).
import { InvalidArgumentError } from 'commander';
import { EUDR_EVENT_TYPES, EVENT_TYPES } from '../../core/catalog/event-types.js';

/** The highest TCP port. */
const MAX_PORT = 65_535;

/** `--port`: decimal digits, 0 to 65535 (0: a free port chosen by the system). */
export function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > MAX_PORT) {
    throw new InvalidArgumentError('Expected a port number from 0 to 65535 (0: any free port).');
  }
  return Number(value);
}

/** The longest `--path`. */
export const MAX_PATH_LENGTH = 200;

/**
 * `--path`: the path webhooks are posted to, as a URL path: starts with `/`, at most
 * {@link MAX_PATH_LENGTH} characters, printable ASCII without spaces, `?` or `#` (a query is not
 * part of a path).
 */
export function parsePath(value: string): string {
  if (
    !value.startsWith('/') ||
    value.length > MAX_PATH_LENGTH ||
    !/^[\x21-\x7e]+$/.test(value) ||
    value.includes('?') ||
    value.includes('#')
  ) {
    throw new InvalidArgumentError(
      `Expected a URL path starting with "/" (such as /webhooks), up to ${MAX_PATH_LENGTH} printable characters without spaces, "?" or "#".`,
    );
  }
  return value;
}

/** `value` quoted for a POSIX shell when it needs it (`'…'`, with `'` written as `'\''`). */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The wire profiles `listen` receives. */
export const LISTEN_PROFILES = ['novatrade', 'eudr'] as const;
/** A wire profile `listen` receives. */
export type ListenProfile = (typeof LISTEN_PROFILES)[number];

/** The event catalog of a profile: what `--events` patterns may name. */
export function eventTypesOf(profile: ListenProfile): readonly string[] {
  return profile === 'eudr' ? EUDR_EVENT_TYPES : EVENT_TYPES;
}
