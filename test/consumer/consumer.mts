// Type-checked against the BUILT package (npm run check:package) with NodeNext resolution, as an
// ESM consumer: the `import` condition's .d.ts must resolve and describe the runtime.
import {
  EVENT_TYPES,
  generateStandardWebhookSecret,
  isWebhooksError,
  NOVATRADE_PROFILE,
  nextAttemptAt,
  parseEventJson,
  STANDARD_WEBHOOKS_PROFILE,
  SubscriptionIndex,
  signNovatradePayload,
  signStandardWebhook,
  verifyNovatradeSignature,
  verifyStandardWebhook,
  type WebhookEvent,
} from '@novatrade24/webhooks';

const header: string = signNovatradePayload('{}', 'whsec_x', { timestamp: 1_700_000_000 });
const { timestamp }: { timestamp: number } = verifyNovatradeSignature('{}', header, ['whsec_x'], {
  now: () => 1_700_000_000_000,
});
const event = parseEventJson('{}', { strict: true });
const narrowed: WebhookEvent = event;
if (narrowed.type === 'compliance.decision_made') {
  const decision: string = narrowed.data.decision;
  void decision;
}
const index = new SubscriptionIndex();
index.add('wh_1', { events: ['kyc.*'], partnerIds: null });
const ids: string[] = index.match(EVENT_TYPES[2], null);
const next: number | null = nextAttemptAt(NOVATRADE_PROFILE.retryPolicy, {
  attempts: 1,
  firstAttemptAtMs: 0,
  lastAttemptAtMs: 0,
});
const err: unknown = new Error();
if (isWebhooksError(err)) {
  const code: string = err.code;
  void code;
}
void timestamp;
void ids;
void next;

// Standard Webhooks (docs/design.md §5.22): the headers pass as a header record.
const standardSecret: string = generateStandardWebhookSecret();
const standardHeaders = signStandardWebhook('{}', { id: 'evt_1', secret: standardSecret });
const standard: { id: string; timestamp: number } = verifyStandardWebhook(
  '{}',
  standardHeaders,
  standardSecret,
);
const standardProfileName: string = STANDARD_WEBHOOKS_PROFILE.name;
void [standard, standardProfileName, new Headers(standardHeaders)];

// Subpath entries: `/receiver`, `/web`, `/testing`.
import {
  constructEvent,
  constructStandardEvent,
  createStderrLogger,
  expressHandler,
  fastifyWebhooks,
  type Logger,
  MemoryDedupeStore,
  RedisDedupeStore,
  toNodeListener,
  WebhookReceiver,
} from '@novatrade24/webhooks/receiver';
import {
  createSignedRequest,
  EVENT_FIXTURES,
  generateStandardTestHeaders,
} from '@novatrade24/webhooks/testing';
import {
  constructEventAsync,
  constructStandardEventAsync,
  createStderrLogger as createConsoleLogger,
  fetchHandler,
  verifyStandardWebhookAsync,
  WebhookReceiver as WebReceiver,
} from '@novatrade24/webhooks/web';

const receiver = new WebhookReceiver({ secret: 'whsec_x', dedupe: new MemoryDedupeStore() }).on(
  'kyc.*',
  (e) => {
    const buyer: string = e.data.buyerUuid;
    void buyer;
  },
);
const listener: (
  req: import('node:http').IncomingMessage,
  res: import('node:http').ServerResponse,
) => void = toNodeListener(receiver);
const signed = createSignedRequest(EVENT_FIXTURES['compliance.decision_made'], {
  secret: 'whsec_x',
});
const edge: (request: Request) => Promise<Response> = fetchHandler(
  new WebReceiver({ secret: 'whsec_x' }),
);
const fromConstruct = constructEvent(signed.body, signed.headers, 'whsec_x', { strict: true });
const fromAsync: Promise<unknown> = constructEventAsync(signed.body, signed.headers, 'whsec_x');
void [listener, edge, fromConstruct, fromAsync, expressHandler, fastifyWebhooks, RedisDedupeStore];
const standardSigned = createSignedRequest(EVENT_FIXTURES['compliance.decision_made'], {
  secret: standardSecret,
  profile: 'standard-webhooks',
});
const standardEvent: WebhookEvent = constructStandardEvent(
  standardSigned.body,
  standardSigned.headers,
  standardSecret,
  { strict: true },
);
const standardAsync: Promise<unknown> = constructStandardEventAsync(
  standardSigned.body,
  generateStandardTestHeaders({ payload: standardSigned.body, secret: standardSecret }),
  standardSecret,
);
const standardVerified: Promise<{ id: string }> = verifyStandardWebhookAsync(
  standardSigned.body,
  standardSigned.headers,
  standardSecret,
);
void [standardEvent, standardAsync, standardVerified];

// Logging (docs/design.md §5.23): a Logger, 'silent', or the default stderr logger.
const stderrLogger: Logger = createStderrLogger({ level: 'info' });
const quiet = new WebhookReceiver({ secret: 'whsec_x', logger: 'silent' });
const logged = new WebReceiver({ secret: 'whsec_x', logger: createConsoleLogger() });
void [stderrLogger, quiet, logged];

// `/sender`
import {
  HttpTransport,
  MemoryStorage,
  EUDR_PROFILE as SENDER_EUDR_PROFILE,
  STANDARD_WEBHOOKS_PROFILE as SENDER_STANDARD_PROFILE,
  WebhookSender,
} from '@novatrade24/webhooks/sender';

const sender = new WebhookSender({ storage: new MemoryStorage(), transport: new HttpTransport() });
const standardSender = new WebhookSender({
  transport: new HttpTransport(),
  profile: SENDER_STANDARD_PROFILE,
});
void standardSender;
const created: Promise<{ secret: string }> = sender.createEndpoint('org', {
  url: 'https://example.com/hooks',
  events: ['compliance.*'],
});
void created;

// Typed publish (docs/design.md §5.24): the catalogs' data types survive the build.
void sender.publish({
  organizationUuid: 'org',
  type: 'compliance.decision_made',
  partnerUuid: 'partner',
  data: { orderUuid: 'order', decision: 'VALID_EXPORT' },
});
// @ts-expect-error: `decision` is required
void sender.publish({ organizationUuid: 'org', type: 'compliance.decision_made', data: {} });
const eudrSender = new WebhookSender({
  transport: new HttpTransport(),
  profile: SENDER_EUDR_PROFILE,
});
void eudrSender.publish({
  organizationUuid: 'org',
  type: 'supplier.created',
  data: { externalId: 'ext', internalId: 'int' },
});
// @ts-expect-error: not an EUDR type
void eudrSender.publish({ organizationUuid: 'org', type: 'compliance.decision_made', data: {} });

// `/postgres`: a pg Pool or Client fits the structural connection type (no pg types in ours).
import {
  DEFAULT_POSTGRES_SCHEMA,
  type MigrateResult,
  migrate,
  type PostgresConnection,
} from '@novatrade24/webhooks/postgres';
import pg from 'pg';

const pgPool: PostgresConnection = new pg.Pool({ connectionString: 'postgres://localhost/db' });
const migrated: Promise<MigrateResult> = migrate(pgPool, { schema: DEFAULT_POSTGRES_SCHEMA });
const viaClient: Promise<MigrateResult> = migrate(new pg.Client(), { lockTimeoutMs: 5_000 });
void [migrated, viaClient];

// `/server`: the management API over the sender above, with the two built-in authenticators.
import {
  apiKeyAuthenticator,
  createEudrManagementApi,
  createManagementApi,
  jwtAuthenticator,
  type ManagementApi,
  PROBLEM_TYPES,
} from '@novatrade24/webhooks/server';

const managementApi: ManagementApi = createManagementApi(eudrSender, {
  authenticate: apiKeyAuthenticator([{ token: 'tok_0123456789abcdef', organizationUuid: 'org' }]),
  rateLimit: false,
});
const answer: Promise<Response> = managementApi.fetch(new Request('http://localhost/v1/webhooks'));
const viaJwt = createEudrManagementApi(eudrSender, {
  authenticate: jwtAuthenticator({
    jwksUrl: 'https://auth.example/realms/r/protocol/openid-connect/certs',
    issuer: 'https://auth.example/realms/r',
    audience: 'api',
  }),
});
void [answer, viaJwt, PROBLEM_TYPES['rate-limited'].status];

// `/client`: the typed client; problem types narrow, `publish` is typed by the catalog.
import {
  type ApiResponse,
  createEudrWebhooksClient,
  createWebhooksClient,
  isNovatradeApiError,
  type WebhookEndpoint,
  type WebhooksClient,
} from '@novatrade24/webhooks/client';

const client: WebhooksClient = createWebhooksClient({
  baseUrl: 'https://api.novatrade24.com',
  auth: {
    clientId: 'api-client-example',
    clientSecret: 'secret',
    tokenUrl: 'https://auth.novatrade24.com/realms/nt24-idp/protocol/openid-connect/token',
  },
  retry: { attempts: 3 },
});
const listed: Promise<ApiResponse<readonly WebhookEndpoint[]>> = client.endpoints.list();
const published = client.events.publish({
  type: 'compliance.decision_made',
  partnerUuid: null,
  data: EVENT_FIXTURES['compliance.decision_made'].data,
});
const failure: unknown = new Error();
if (isNovatradeApiError(failure, 'rate-limited')) {
  const wait: number | undefined = failure.retryAfterSeconds;
  void wait;
}
const eudrClient = createEudrWebhooksClient({
  baseUrl: 'https://backend.joinnentropy.com/api/v1/integration',
  auth: 'eudr_live_0123456789abcdef0123456789abcdef0123456789abcdef',
});
void [listed, published, eudrClient.register];

// `/testing`: the msw mock of the management API and the arbitraries (optional peers).
import { createManagementApiHandlers, eventArbitrary } from '@novatrade24/webhooks/testing';
import { setupServer } from 'msw/node';

const mock = createManagementApiHandlers();
const mswServer = setupServer(...mock.handlers);
void [mswServer, eventArbitrary];

// `/otel`: spans and metrics through @opentelemetry/api (optional peer); `/sender`'s Prometheus
// exporter needs no peer.
import { instrumentSender } from '@novatrade24/webhooks/otel';
import {
  createPrometheusExporter,
  WebhookSender as OtelSender,
  HttpTransport as OtelTransport,
} from '@novatrade24/webhooks/sender';

const observed = new OtelSender({ transport: new OtelTransport() });
const instrumentation: { close(): void } = instrumentSender(observed, { attemptSpans: true });
const exporter = createPrometheusExporter(observed);
const text: Promise<string> = exporter.render();
const contentType: string = exporter.contentType;
observed.on('delivery.attempted', ({ origin }) => {
  const where: string = origin;
  void where;
});
void [instrumentation, text, contentType];
