// The server behind `listen`: a `WebhookReceiver` (or `EudrWebhookReceiver` for the eudr profile)
// on node:http through `toNodeListener`, so a request meets exactly the checks a production
// receiver makes (signature and time window, JSON, the envelope, dedupe by event id in memory).
// Each accepted event is reported, then forwarded unchanged to the `--forward-to` targets whose
// filters take it; the sender gets its answer after the targets answered: 200 when every target
// answered 2xx, else 502 `forward_failed`, and since the receiver then forgets the event id, the
// sender's retry is forwarded again (docs/cli.md, "listen"). Refused requests are reported with
// the receiver's reason code, never with the body or the secret.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AnyEudrWebhookEvent } from '../../core/catalog/eudr-webhook-event.js';
import type { AnyWebhookEvent } from '../../core/catalog/webhook-event.js';
import { toNodeListener } from '../../receiver/adapters/node-listener.js';
import type { WebhookHandlerTarget } from '../../receiver/adapters/webhook-handler-target.js';
import { EudrWebhookReceiver } from '../../receiver/eudr-webhook-receiver.node.js';
import { readHeader } from '../../receiver/headers.js';
import type { ReceiverRequest, ReceiverResponse } from '../../receiver/receiver-request.js';
import { WebhookReceiver } from '../../receiver/webhook-receiver.node.js';
import { CliError } from '../internal/cli-error.js';
import type { EventSummary } from './event-line.js';
import { type ForwardTarget, forwardTargetAccepts } from './forward-plan.js';
import { type ForwardResult, forwardRequest } from './forward-request.js';

import type { ListenProfile } from './listen-options.js';

export { eventTypesOf, LISTEN_PROFILES, type ListenProfile } from './listen-options.js';

/** An accepted event, as the reporter gets it. */
export interface AcceptedEvent {
  /** The verified, parsed event, as the receiver's handlers get it. */
  readonly event: object;
  /** What a line shows of it. */
  readonly summary: EventSummary;
  readonly receivedAt: Date;
}

/** Where the server reports what happens; `listen`'s printer implements it. */
export interface ListenReporter {
  /** An event was verified and accepted (before it is forwarded). */
  accepted(event: AcceptedEvent): void;
  /** A target answered, or could not be reached. */
  forwarded(result: ForwardResult, event: AcceptedEvent): void;
  /** A target failed, so the sender is answered 502 and retries. */
  forwardFailed(event: AcceptedEvent, failed: number, of: number): void;
  /** A request was refused: its status and the receiver's reason code. */
  refused(request: {
    readonly method: string;
    readonly path: string;
    readonly status: number;
    readonly code: string;
  }): void;
  /** An event already accepted arrived again (answered 200, not forwarded). */
  duplicate(eventId: string | undefined): void;
}

/** Options of {@link startListenServer}. */
export interface ListenServerOptions {
  readonly host: string;
  /** 0 for a free port. */
  readonly port: number;
  /** The one path webhooks are accepted on (`/`); other paths are answered 404. */
  readonly path: string;
  readonly secret: string;
  readonly profile: ListenProfile;
  readonly targets: readonly ForwardTarget[];
  readonly reporter: ListenReporter;
  /** A target's deadline, ms. @default FORWARD_TIMEOUT_MS */
  readonly forwardTimeoutMs?: number;
}

/** A running `listen` server. */
export interface ListenServer {
  /** Where senders post: `http://<host>:<port><path>`, with the port actually bound. */
  readonly url: string;
  /** Stops accepting, cancels forwards in flight, drops connections. */
  close(): Promise<void>;
}

/** What forwarding needs of the request being handled (AsyncLocalStorage: one per request). */
interface RequestScope {
  readonly request: ReceiverRequest;
  /** Set when a target failed: the answer becomes 502. */
  failed?: { readonly failed: number; readonly of: number };
}

const EVENT_ID_HEADER = 'x-novatrade-event-id';
/** An id from a header is shown only when it looks like one. */
const PRINTABLE_ID = /^[\x21-\x7e]{1,128}$/;

function summarizeNovatrade(event: AnyWebhookEvent): EventSummary {
  return {
    type: event.type,
    id: event.id,
    labels: [['partner', event.partnerUuid ?? '-']],
    data: event.data,
  };
}

function summarizeEudr(event: AnyEudrWebhookEvent): EventSummary {
  return {
    type: event.event,
    id: undefined,
    labels: [['integration', event.integrationId]],
    data: event.data,
  };
}

/** A 502 problem answer: a target failed, the event is not acknowledged. */
function forwardFailedAnswer(failed: number, of: number): ReceiverResponse {
  return {
    status: 502,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify({
      type: 'urn:novatrade24:webhooks:problem:forward_failed',
      title: 'Bad Gateway',
      status: 502,
      detail: `${failed} of ${of} forward targets failed; the event was not acknowledged, so retry it.`,
      code: 'forward_failed',
    }),
  };
}

/** The `code` of a receiver's problem answer, or `http_<status>`. */
function problemCode(response: ReceiverResponse): string {
  try {
    const code = (JSON.parse(response.body) as { code?: unknown }).code;
    if (typeof code === 'string' && /^[a-z_]{1,64}$/.test(code)) return code;
  } catch {
    // not JSON
  }
  return `http_${response.status}`;
}

/** The path of a request URL, without its query (which may carry tokens), cut to 200. */
function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const query = raw.indexOf('?');
  return (query === -1 ? raw : raw.slice(0, query)).slice(0, 200);
}

/** The URL senders post to, from the address the server bound. */
function urlOf(server: Server, host: string, path: string): string {
  const address = server.address() as AddressInfo;
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  let hostname = wildcard ? (address.family === 'IPv6' ? '::1' : '127.0.0.1') : host;
  if (hostname.includes(':') && !hostname.startsWith('[')) hostname = `[${hostname}]`;
  return `http://${hostname}:${address.port}${path}`;
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): CliError {
  const where = `${host}:${port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return new CliError('port_in_use', `Cannot listen on ${where}: the port is in use.`, {
        hint: 'Pass another --port, or --port 0 for a free one.',
      });
    case 'EACCES':
      return new CliError('port_forbidden', `Cannot listen on ${where}: permission denied.`, {
        hint: 'Ports under 1024 need privileges: pass a --port of 1024 or more.',
      });
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new CliError('host_unavailable', `Cannot listen on ${where}: no such local address.`, {
        hint: 'Pass a --host of this machine, such as 127.0.0.1.',
      });
    default:
      return new CliError(
        'listen_failed',
        `Cannot listen on ${where} (${error.code ?? error.message}).`,
      );
  }
}

/**
 * Starts the receiver on `host:port` and resolves once it listens.
 *
 * @throws CliError `port_in_use`, `port_forbidden`, `host_unavailable`, `listen_failed`.
 */
export async function startListenServer(options: ListenServerOptions): Promise<ListenServer> {
  const { reporter, targets, profile } = options;
  const scopes = new AsyncLocalStorage<RequestScope>();
  const stopping = new AbortController();

  /** Reports the event, then forwards it; throws (so the receiver answers 5xx) when a target failed. */
  const onEvent = async (accepted: AcceptedEvent): Promise<void> => {
    reporter.accepted(accepted);
    const scope = scopes.getStore();
    const chosen = targets.filter((t) => forwardTargetAccepts(t, accepted.summary.type));
    if (scope === undefined || chosen.length === 0) return;
    const results = await Promise.all(
      chosen.map(async (target) => {
        const result = await forwardRequest(target.url, scope.request, {
          signal: stopping.signal,
          ...(options.forwardTimeoutMs === undefined
            ? {}
            : { timeoutMs: options.forwardTimeoutMs }),
        });
        reporter.forwarded(result, accepted);
        return result;
      }),
    );
    const failed = results.filter((r) => !('status' in r) || r.status < 200 || r.status > 299);
    if (failed.length > 0) {
      scope.failed = { failed: failed.length, of: results.length };
      reporter.forwardFailed(accepted, failed.length, results.length);
      // The receiver answers 500 and forgets the event id, so the sender's retry comes through;
      // `handle` below turns that answer into the 502 the sender sees.
      throw new Error('forward failed');
    }
  };

  let receiver: WebhookReceiver | EudrWebhookReceiver;
  if (profile === 'eudr') {
    const eudr = new EudrWebhookReceiver({ secret: options.secret, logger: 'silent' });
    eudr.onAny((event) =>
      onEvent({ event, summary: summarizeEudr(event), receivedAt: new Date() }),
    );
    receiver = eudr;
  } else {
    const novatrade = new WebhookReceiver({ secret: options.secret, logger: 'silent' });
    novatrade.onAny((event) =>
      onEvent({ event, summary: summarizeNovatrade(event), receivedAt: new Date() }),
    );
    receiver = novatrade;
  }

  const target: WebhookHandlerTarget = {
    maxBodyBytes: receiver.maxBodyBytes,
    tooLarge() {
      // The adapter stopped reading a body over maxBodyBytes (1 MiB): `handle` is not called.
      reporter.refused({
        method: 'POST',
        path: options.path,
        status: 413,
        code: 'payload_too_large',
      });
      return receiver.tooLarge();
    },
    async handle(request) {
      const scope: RequestScope = { request };
      const response = await scopes.run(scope, () => receiver.handle(request));
      if (scope.failed !== undefined)
        return forwardFailedAnswer(scope.failed.failed, scope.failed.of);
      if (response.status >= 400) {
        reporter.refused({
          method: request.method.slice(0, 16),
          // Requests to other paths never reach the receiver.
          path: options.path,
          status: response.status,
          code: problemCode(response),
        });
      } else if (response.body.includes('"duplicate":true')) {
        const id =
          profile === 'novatrade' ? readHeader(request.headers, EVENT_ID_HEADER) : undefined;
        reporter.duplicate(id !== undefined && PRINTABLE_ID.test(id) ? id : undefined);
      }
      return response;
    },
  };
  const nodeListener = toNodeListener(target);

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = pathOf(req.url);
    if (path !== options.path) {
      reporter.refused({
        method: (req.method ?? '').slice(0, 16),
        path,
        status: 404,
        code: 'not_found',
      });
      res.writeHead(404, { 'content-type': 'application/problem+json', connection: 'close' });
      res.end(
        JSON.stringify({
          type: 'urn:novatrade24:webhooks:problem:not_found',
          title: 'Not Found',
          status: 404,
          detail: `Webhooks are received on ${options.path} only.`,
          code: 'not_found',
        }),
      );
      req.resume();
      return;
    }
    nodeListener(req, res);
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(listenError(error, options.host, options.port));
    };
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });

  return {
    url: urlOf(server, options.host, options.path),
    async close() {
      stopping.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
