// Wire profiles section of the core: how an event becomes a signed request (docs/design.md §4).
export { EUDR_HEADERS, EUDR_PROFILE } from './eudr-profile.js';
export { NOVATRADE_HEADERS, NOVATRADE_PROFILE } from './novatrade-profile.js';
export type { SecretFormat } from './secret-format.js';
export { STANDARD_WEBHOOKS_PROFILE } from './standard-webhooks-profile.js';
export {
  buildDeliveryRequest,
  type DeliveryRequest,
  type OutboundEvent,
  type SigningContext,
  type WireProfile,
} from './wire-profile.js';
