// The typed API client: register a webhook endpoint, fire a test event at it and print its
// delivery history, every page of it. Authentication is Keycloak client credentials (the client
// fetches, caches and refreshes the token) or a static token; writes carry an Idempotency-Key and
// are retried on 429/503 by the client itself. See docs/client.md.
// Run (client credentials):
//   NT24_API_BASE_URL=https://api.novatrade24.com NT24_CLIENT_ID=api-client-acme \
//   NT24_CLIENT_SECRET=… NT24_WEBHOOK_URL=https://partner.example/webhooks/novatrade \
//   npx tsx examples/client-history.ts
// or with a static token: NT24_TOKEN=… instead of NT24_CLIENT_ID and NT24_CLIENT_SECRET.
import { pathToFileURL } from 'node:url';
import {
  type ClientAuth,
  createWebhooksClient,
  isNovatradeApiError,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '@novatrade24/webhooks/client';

/** Novatrade24's Keycloak token endpoint (realm `nt24-idp`). */
const NT24_TOKEN_URL = 'https://auth.novatrade24.com/realms/nt24-idp/protocol/openid-connect/token';

export interface ExampleOptions {
  /** The management API, e.g. `https://api.novatrade24.com`. */
  readonly baseUrl: string;
  /** Client credentials or a token. */
  readonly auth: ClientAuth;
  /** Where the new endpoint receives deliveries (an `https:` URL). */
  readonly webhookUrl: string;
  /** Where the example prints. @default console.log */
  readonly log?: ((line: string) => void) | undefined;
  /** The `fetch` to use (a test passes its own). @default globalThis.fetch */
  readonly fetch?: typeof fetch | undefined;
  /** Where the new endpoint's signing secret goes (your secret store); it is never logged. */
  readonly storeSecret?: ((endpointId: string, secret: string) => Promise<void> | void) | undefined;
}

export interface ExampleResult {
  /** The endpoint registered (its secret goes to `storeSecret` and is not kept here). */
  readonly endpoint: WebhookEndpoint;
  /** Its delivery history, newest first. */
  readonly history: readonly WebhookDelivery[];
}

export async function main(options: ExampleOptions): Promise<ExampleResult> {
  const log = options.log ?? console.log;
  const client = createWebhooksClient({
    baseUrl: options.baseUrl,
    auth: options.auth,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });

  // 1. Register. The secret is in this answer only: store it where your receiver reads it.
  const created = await client.endpoints.create({
    url: options.webhookUrl,
    events: ['compliance.*', 'kyc.vies_check_failed'],
    description: 'client-history example',
  });
  const { secret, ...endpoint } = created.data;
  log(`registered ${endpoint.id} -> ${endpoint.url} (${endpoint.status})`);
  // Never log a secret, nor any part of it: logs are read by more people than secrets should be.
  await options.storeSecret?.(endpoint.id, secret);
  const kept = options.storeSecret === undefined ? 'not kept: pass storeSecret' : 'stored';
  log(`signing secret issued (${secret.length} characters, ${kept}); the API never shows it again`);

  // 2. A test fire, so the history has something in it (it ignores the subscription filters).
  const fired = await client.endpoints.test(endpoint.id, {
    eventType: 'compliance.decision_made',
    data: { orderUuid: '00000000-0000-0000-0000-000000000000', decision: 'VALID_EXPORT' },
  });
  log(`test fire queued: ${fired.data.id} (${fired.data.eventType})`);

  // 3. The history, every page: listAll follows `pagination.hasNext`.
  const history: WebhookDelivery[] = [];
  for await (const delivery of client.deliveries.listAll(endpoint.id, { size: 50 })) {
    history.push(delivery);
    const outcome = delivery.httpStatus === null ? '-' : String(delivery.httpStatus);
    log(
      `${delivery.createdAt}  ${delivery.id}  ${delivery.eventType}  ${delivery.status}` +
        `  attempts=${delivery.attempts}  http=${outcome}${delivery.test ? '  (test)' : ''}`,
    );
  }
  log(`${history.length} deliveries`);

  // Every answer says where the caller stands with the rate limits.
  const { rateLimit } = await client.endpoints.get(endpoint.id);
  if (rateLimit !== undefined) {
    log(
      `rate limit (${rateLimit.category ?? '?'}): ${rateLimit.remaining}/${rateLimit.limit} left`,
    );
  }
  return { endpoint, history };
}

/** The options from the environment, naming what is missing. */
function optionsFromEnv(env: Readonly<Record<string, string | undefined>>): ExampleOptions {
  const baseUrl = env.NT24_API_BASE_URL;
  const webhookUrl = env.NT24_WEBHOOK_URL;
  const token = env.NT24_TOKEN;
  const clientId = env.NT24_CLIENT_ID;
  const clientSecret = env.NT24_CLIENT_SECRET;
  if (!baseUrl || !webhookUrl || !(token || (clientId && clientSecret))) {
    throw new Error(
      'Set NT24_API_BASE_URL, NT24_WEBHOOK_URL, and NT24_TOKEN or NT24_CLIENT_ID with NT24_CLIENT_SECRET (NT24_TOKEN_URL overrides the Keycloak token endpoint).',
    );
  }
  const auth: ClientAuth = token
    ? token
    : {
        clientId: clientId as string,
        clientSecret: clientSecret as string,
        tokenUrl: env.NT24_TOKEN_URL ?? NT24_TOKEN_URL,
      };
  return { baseUrl, auth, webhookUrl };
}

// Run only when executed directly, not when a test imports this file.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(optionsFromEnv(process.env)).catch((error: unknown) => {
    // Branch on the problem type, never on the status or the title.
    if (isNovatradeApiError(error)) {
      console.error(
        `${error.problemType}: ${error.detail ?? error.message} (trace ${error.traceId})`,
      );
      for (const field of error.errors) console.error(`  ${field.field}: ${field.message}`);
    } else {
      console.error(error);
    }
    process.exitCode = 1;
  });
}
