// A real management API on 127.0.0.1 for the `endpoints` and `deliveries` tests (in process and as
// child processes): `createManagementApi` over an in-memory `WebhookSender` whose transport
// records requests and answers 204, mounted with the node:http adapter of
// examples/server-node-http.ts, plus a Keycloak-shaped token endpoint at `/token` for the
// client-credentials path. The test drives the sender itself (`processDue`, `publish`).
import { createServer, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import { nodeListener } from '../../../examples/server-node-http.js';
import { API_ENV } from '../../../src/cli/internal/api-connection.js';
import { MemoryStorage } from '../../../src/sender/memory-storage.js';
import { WebhookSender } from '../../../src/sender/webhook-sender.js';
import { apiKeyAuthenticator, createManagementApi } from '../../../src/server/index.js';
import { createRecordingTransport } from '../../../src/testing/create-recording-transport.js';
import { type LoopbackServer, listenLoopback } from './loopback-receivers.js';

/** The organization the API key belongs to. */
export const API_ORG = '3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03';
/** The API key (sent as a bearer token). */
export const API_TOKEN = 'tok_cli_tests_0123456789abcdef';
/** Client credentials the `/token` endpoint accepts; it answers {@link API_TOKEN}. */
export const CLIENT_ID = 'cli-tests-client';
export const CLIENT_SECRET = 'cli-tests-client-secret-0123';

/** A running API and the sender behind it. */
export interface ApiServer {
  /** The base URL: `http://127.0.0.1:<port>`. */
  readonly baseUrl: string;
  /** The token endpoint: `<baseUrl>/token`. */
  readonly tokenUrl: string;
  readonly sender: WebhookSender<unknown>;
  /** How many token requests were answered. */
  readonly tokenRequests: () => number;
  readonly close: () => Promise<void>;
}

async function formOf(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Starts the API on an ephemeral port of 127.0.0.1. */
export async function startApiServer(): Promise<ApiServer> {
  const sender = new WebhookSender<unknown>({
    storage: new MemoryStorage(),
    transport: createRecordingTransport(),
    logger: 'silent',
    allowInsecureUrls: true,
  });
  const api = createManagementApi(sender, {
    authenticate: apiKeyAuthenticator([{ token: API_TOKEN, organizationUuid: API_ORG }]),
    logger: 'silent',
    rateLimit: false,
  });
  const apiListener = nodeListener(api.fetch);
  let tokenRequests = 0;
  const server = createServer((req, res) => {
    if (req.url !== '/token') {
      apiListener(req, res);
      return;
    }
    void formOf(req).then((form) => {
      tokenRequests += 1;
      const ok =
        form.get('grant_type') === 'client_credentials' &&
        form.get('client_id') === CLIENT_ID &&
        form.get('client_secret') === CLIENT_SECRET;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          ok
            ? { access_token: API_TOKEN, token_type: 'Bearer', expires_in: 300 }
            : { error: 'invalid_client' },
        ),
      );
    });
  });
  const loopback: LoopbackServer = await listenLoopback(server);
  const baseUrl = new URL(loopback.url).origin;
  return {
    baseUrl,
    tokenUrl: `${baseUrl}/token`,
    sender,
    tokenRequests: () => tokenRequests,
    close: loopback.close,
  };
}

/** A test file's API server (see {@link useApiServer}) and the environment that reaches it. */
export interface SharedApiServer extends ApiServer {
  /** The API's base URL and {@link API_TOKEN} as the CLI's environment variables. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Starts the API before a test file's tests and closes it after them. The answer reads through
 * to the running server, so it may be kept in a module constant and used inside the tests.
 */
export function useApiServer(): SharedApiServer {
  let started: ApiServer | undefined;
  beforeAll(async () => {
    started = await startApiServer();
  });
  afterAll(async () => {
    await started?.close();
  });
  const current = (): ApiServer => {
    if (started === undefined) throw new Error('the API server runs only inside the tests');
    return started;
  };
  return {
    get baseUrl() {
      return current().baseUrl;
    },
    get tokenUrl() {
      return current().tokenUrl;
    },
    get sender() {
      return current().sender;
    },
    tokenRequests: () => current().tokenRequests(),
    close: () => current().close(),
    get env() {
      return { [API_ENV.baseUrl]: current().baseUrl, [API_ENV.token]: API_TOKEN };
    },
  };
}
