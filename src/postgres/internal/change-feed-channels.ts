// The wire of the PostgreSQL change feed: one channel pair per schema, so that two schemas on one
// database never wake each other, and the SQL the storage's statements use to notify. Due work
// carries an empty payload: PostgreSQL folds identical notifications of one transaction into one,
// so a transaction that notifies several times still sends one. An endpoint change carries its
// organization and endpoint id as a small JSON object. NOTIFY takes a database-wide lock at commit,
// which serialises the commits of notifying transactions: notify once per published batch and once
// per endpoint change, never once per row (docs/design.md §5.28: one statement per call).

import { assertSchemaName, quoteIdentifier } from './assert-schema-name.js';

/** The longest channel name PostgreSQL accepts (NAMEDATALEN - 1 bytes). */
const MAX_CHANNEL_LENGTH = 63;
const DUE_PREFIX = 'nwh_due_';
const ENDPOINT_PREFIX = 'nwh_ep_';
/** The payload format's version, `v` in every endpoint payload. */
export const ENDPOINT_PAYLOAD_VERSION = 1;

/** The two channels of one schema. */
export interface ChangeFeedChannels {
  /** Due work was stored (empty payload). */
  readonly due: string;
  /** An endpoint was created, changed or deleted (payload: `{"v":1,"o":…,"e":…}`). */
  readonly endpoints: string;
}

/** 64-bit FNV-1a of `text` (UTF-16 code units), 16 hex digits: a short, stable name suffix. */
function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

/** `prefix + schema`, or, past 63 characters, the schema's start and a hash of the whole name. */
function channelName(prefix: string, schema: string): string {
  const whole = `${prefix}${schema}`;
  if (whole.length <= MAX_CHANNEL_LENGTH) return whole;
  const keep = MAX_CHANNEL_LENGTH - prefix.length - 17;
  return `${prefix}${schema.slice(0, keep)}_${fnv1a64(schema)}`;
}

/**
 * The channels of `schema`: `nwh_due_<schema>` and `nwh_ep_<schema>`, lowercase (a schema name
 * is), at most 63 characters (a longer one keeps the schema's start and a hash of it).
 *
 * @throws WebhookValidationError `invalid_option` naming `schema` (the rule of `migrate`).
 */
export function changeFeedChannels(schema: string): ChangeFeedChannels {
  const name = assertSchemaName('changeFeedChannels', schema);
  return { due: channelName(DUE_PREFIX, name), endpoints: channelName(ENDPOINT_PREFIX, name) };
}

/** A channel as a SQL string literal (channel names hold only `[a-z0-9_]`). */
function literal(channel: string): string {
  return `'${channel.replace(/'/g, "''")}'`;
}

/** The SQL a storage adds to its statements so the change feed hears them (see {@link changeFeedSql}). */
export interface ChangeFeedSql {
  readonly channels: ChangeFeedChannels;
  /**
   * An SQL expression (type `void`, no parameters) that notifies due work:
   * `pg_notify('nwh_due_<schema>', '')`. Delivered at commit, not at all on rollback.
   */
  readonly dueNotify: string;
  /**
   * An SQL expression that notifies an endpoint change, built from two SQL expressions of text
   * (parameters such as `$2`, or columns such as `changed.organization_uuid`).
   */
  endpointNotify(organizationUuidSql: string, endpointIdSql: string): string;
  /** `LISTEN` for both channels, as one simple-protocol text. */
  readonly listen: string;
}

/**
 * The notify SQL of `schema`'s change feed. A statement adds it once: in a CTE that the final
 * `SELECT` reads (a CTE nobody reads is not run), or as its own `SELECT` in the transaction.
 *
 * @example
 * ```ts
 * const sql = changeFeedSql('novatrade_webhooks');
 * await client.query(`SELECT ${sql.dueNotify}`); // inside the transaction that stored the work
 * await client.query(`SELECT ${sql.endpointNotify('$1', '$2')}`, [organizationUuid, endpointId]);
 * ```
 * @throws WebhookValidationError `invalid_option` naming `schema`.
 */
export function changeFeedSql(schema: string): ChangeFeedSql {
  const channels = changeFeedChannels(schema);
  return {
    channels,
    dueNotify: `pg_notify(${literal(channels.due)}, '')`,
    endpointNotify: (organizationUuidSql, endpointIdSql) =>
      `pg_notify(${literal(channels.endpoints)}, json_build_object('v', ${ENDPOINT_PAYLOAD_VERSION}, 'o', (${organizationUuidSql})::text, 'e', (${endpointIdSql})::text)::text)`,
    listen: `LISTEN ${quoteIdentifier(channels.due)}; LISTEN ${quoteIdentifier(channels.endpoints)}`,
  };
}

/**
 * An endpoint change's payload as JSON text, for a storage that binds it as a parameter
 * (`SELECT pg_notify($1, $2)` with `[channels.endpoints, payload]`): what
 * {@link ChangeFeedSql.endpointNotify} builds in SQL.
 */
export function endpointChangePayload(change: {
  readonly organizationUuid: string;
  readonly endpointId: string;
}): string {
  return JSON.stringify({
    v: ENDPOINT_PAYLOAD_VERSION,
    o: change.organizationUuid,
    e: change.endpointId,
  });
}
