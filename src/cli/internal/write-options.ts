// `--idempotency-key` of the API commands' writes: every write carries an Idempotency-Key, the
// client's own UUID unless one is given, so a write repeated with the key it printed is answered
// from the API's record instead of happening twice (docs/design.md §5.10, §5.36).
import type { Command } from 'commander';
import type { WriteRequestOptions } from '../../client/request-options.js';
import type { ApiOptions } from './api-connection.js';

/** A write subcommand's options: the connection, and `--idempotency-key`. */
export interface WriteOptions extends ApiOptions {
  readonly idempotencyKey?: string;
}

/**
 * Adds `--idempotency-key <key>` to a write subcommand.
 *
 * @example
 * ```ts
 * addIdempotencyKeyOption(addApiOptions(endpoints.command('pause')));
 * ```
 */
export function addIdempotencyKeyOption(command: Command): Command {
  return command.option(
    '--idempotency-key <key>',
    'the Idempotency-Key to send (default: a new UUID); repeat a failed write with the key it printed',
  );
}

/**
 * The client's options of a write: the given Idempotency-Key, if any.
 *
 * @example
 * ```ts
 * await client.endpoints.pause(id, writeOptions(options));
 * ```
 */
export function writeOptions(options: WriteOptions): WriteRequestOptions {
  return options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey };
}
