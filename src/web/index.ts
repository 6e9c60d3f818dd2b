// Entry point `@novatrade24/webhooks/web`: the receiver on WebCrypto only, for Cloudflare Workers,
// Deno, Bun, Vercel Edge and Next.js edge routes. What `/receiver` exports too comes from one
// shared barrel (src/receiver/receiver-barrel.ts); this file adds the WebCrypto receivers and the
// console logger. Nothing here (or in what it imports) touches a `node:` module;
// test/package/web-entry.test.ts reads the built files and proves it. Guide: docs/receiver.md.

// Logging (console.error: edge runtimes have no process.stderr)
export { createStderrLogger } from '../logging/create-stderr-logger.web.js';
// Receivers (WebCrypto)
export { EudrWebhookReceiver } from '../receiver/eudr-webhook-receiver.web.js';
export * from '../receiver/receiver-barrel.js';
export { WebhookReceiver } from '../receiver/webhook-receiver.web.js';
