// The webhook management API as a module whose default export has `fetch(request, env)`: the
// shape Cloudflare Workers call, with the configuration in `env` bindings. On Bun and Deno, where
// the configuration is in `process.env`, build the API at module load instead and export
// `{ fetch: api.fetch }`. The /server and /sender entries are tested on Node only (the edge
// suites cover /web), so try your runtime before you rely on it (docs/server.md).
import { HttpTransport, MemoryStorage, WebhookSender } from '@novatrade24/webhooks/sender';
import {
  apiKeyAuthenticator,
  createManagementApi,
  type ManagementApi,
} from '@novatrade24/webhooks/server';

/** The bindings this module reads, typed structurally: no @cloudflare/workers-types needed. */
export interface Env {
  /** The API key clients send as `Authorization: Bearer <key>` (16+ characters). */
  readonly NT24_API_KEY: string;
  /** The organization the key manages webhooks for. */
  readonly NT24_ORGANIZATION_UUID: string;
}

// One API per isolate, built on the first request (bindings only arrive with a request).
// MemoryStorage lives as long as this isolate, and a platform runs many: a real deployment gives
// the sender a storage and an idempotency store that every isolate shares, and the rate limits a
// shared store (`rateLimit: { store }`), or turns them off behind a gateway (`rateLimit: false`).
let api: ManagementApi | undefined;

function createApi(env: Env): ManagementApi {
  const sender = new WebhookSender({
    storage: new MemoryStorage(),
    transport: new HttpTransport(),
  });
  return createManagementApi(sender, {
    authenticate: apiKeyAuthenticator([
      { token: env.NT24_API_KEY, organizationUuid: env.NT24_ORGANIZATION_UUID },
    ]),
  });
}

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    api ??= createApi(env);
    return api.fetch(request);
  },
};
