// Entry point `@novatrade24/webhooks/receiver`: everything a team receiving Novatrade24 or
// N'entropy EUDR webhooks needs on Node (node:crypto, fastest there), plus the WebCrypto
// functions for code shared with edge runtimes. What `/web` exports too comes from one shared
// barrel (receiver-barrel.ts); this file adds the Node names. Explicit names, grouped by section
// (CONTRIBUTING.md). Guide: docs/receiver.md.

// Logging: JSON lines on process.stderr (docs/receiver.md, "Logging")
export { createStderrLogger } from '../logging/create-stderr-logger.node.js';
// Signatures (node:crypto)
export { verifyEudrSignature } from '../signature/verify-eudr-signature.node.js';
export { verifyNovatradeSignature } from '../signature/verify-novatrade-signature.node.js';
export { verifyStandardWebhook } from '../signature/verify-standard-webhook.node.js';
// Framework adapters on Node's request and response
export {
  type ExpressLikeHandler,
  type ExpressLikeNext,
  type ExpressLikeRequest,
  type ExpressLikeResponse,
  expressHandler,
} from './adapters/express-handler.js';
export {
  type FastifyLikeError,
  type FastifyLikeInstance,
  type FastifyLikeParserDone,
  type FastifyLikeReply,
  type FastifyLikeRequest,
  type FastifyWebhooksOptions,
  fastifyWebhooks,
} from './adapters/fastify-plugin.js';
export {
  type NodeRequestLike,
  type NodeResponseLike,
  toNodeListener,
} from './adapters/node-listener.js';
// Verify and parse one request (node:crypto)
export { constructEudrEvent } from './construct-eudr-event.node.js';
export { constructEvent } from './construct-event.node.js';
export { constructStandardEvent } from './construct-standard-event.node.js';
// Receivers (node:crypto)
export { EudrWebhookReceiver } from './eudr-webhook-receiver.node.js';
export * from './receiver-barrel.js';
// Dedupe across processes
export {
  type IoRedisDedupeClient,
  type NodeRedisDedupeClient,
  type RedisDedupeClient,
  RedisDedupeStore,
  type RedisDedupeStoreOptions,
} from './redis-dedupe-store.js';
export { WebhookReceiver } from './webhook-receiver.node.js';
