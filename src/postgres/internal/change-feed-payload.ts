// Reading a notification of the change feed. Anyone who may connect to the database can NOTIFY on
// the feed's channels, so a payload is outside input: it is parsed defensively, and what cannot be
// read is reported as such (the feed then treats it as a resync), never thrown. Nothing of the
// payload reaches an error or a log line.

import { type ChangeFeedChannels, ENDPOINT_PAYLOAD_VERSION } from './change-feed-channels.js';

/** The longest organization or endpoint id a payload may carry (NOTIFY payloads are < 8000 bytes). */
export const MAX_PAYLOAD_ID_LENGTH = 255;

/** A notification, read. */
export type ChangeNotification =
  /** Due work was stored. */
  | { readonly kind: 'due' }
  /** An endpoint changed. */
  | { readonly kind: 'endpoint'; readonly organizationUuid: string; readonly endpointId: string }
  /** A payload on the endpoint channel that is not one this version reads. */
  | { readonly kind: 'garbled' }
  /** A channel this feed does not listen on (ignored). */
  | { readonly kind: 'other' };

const GARBLED: ChangeNotification = { kind: 'garbled' };

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_PAYLOAD_ID_LENGTH;
}

/**
 * Reads one notification of `channels`. Never throws: a payload on the endpoint channel that is
 * not a JSON object with `v: 1` and two ids (non-empty strings of at most 255 characters) is
 * `garbled`; any payload on the due channel is `due` (it carries nothing); another channel is
 * `other`. Unknown properties of an endpoint payload are ignored.
 */
export function safeParseChangeNotification(
  channels: ChangeFeedChannels,
  channel: unknown,
  payload: unknown,
): ChangeNotification {
  if (channel === channels.due) return { kind: 'due' };
  if (channel !== channels.endpoints) return { kind: 'other' };
  if (typeof payload !== 'string' || payload.length > 8000) return GARBLED;
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return GARBLED;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return GARBLED;
  const { v, o, e } = parsed as Record<string, unknown>;
  if (v !== ENDPOINT_PAYLOAD_VERSION || !isId(o) || !isId(e)) return GARBLED;
  return { kind: 'endpoint', organizationUuid: o, endpointId: e };
}
