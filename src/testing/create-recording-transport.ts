import type { DeliveryFailureReason } from '../core/catalog/enum-values.js';
import { assertKnownOptions } from '../core/internal/assert-known-options.js';
import { describeValue } from '../core/internal/describe-value.js';
import { invalidOption } from '../core/internal/invalid-option.js';
import { typeIssueCode } from '../core/internal/type-issue-code.js';
import type { WebhookHandlerTarget } from '../receiver/adapters/webhook-handler-target.js';
import type { Transport, TransportRequest, TransportResult } from '../sender/ports/transport.js';

/** Options of {@link createRecordingTransport}. */
export interface RecordingTransportOptions {
  /**
   * Deliver each request in process to this receiver (`WebhookReceiver`, `EudrWebhookReceiver`)
   * and answer with its status: a sender-to-receiver test without sockets.
   */
  readonly receiver?: WebhookHandlerTarget | undefined;
  /**
   * Without a receiver: the status to answer, or a function of the request (e.g. fail the first
   * three attempts). A status of `0` simulates a network error (no response).
   * @default 204
   */
  readonly status?: number | ((request: TransportRequest) => number) | undefined;
}

/**
 * Every option of {@link RecordingTransportOptions}, the list unknown keys are checked against
 * (a type test keeps it complete).
 */
export const RECORDING_TRANSPORT_OPTION_NAMES = [
  'receiver',
  'status',
] as const satisfies readonly (keyof RecordingTransportOptions)[];

/** A transport that records what the sender sent. */
export interface RecordingTransport extends Transport {
  /** Every request, in the order sent. */
  readonly requests: readonly TransportRequest[];
  /** Forgets the recorded requests. */
  clear(): void;
}

/**
 * An in-memory `Transport` for sender tests (docs/design.md §1, `/testing`): records every request and
 * answers it, either with a fixed or computed status or by handing it to a receiver in process.
 * Nothing touches the network.
 *
 * @param options - `receiver` or `status` (default 204).
 * @returns the transport, with its recorded `requests`.
 * @throws WebhookValidationError `invalid_option` naming `receiver` or `status`, or an unknown
 *   option with the nearest known one (`stauts`: did you mean `status`).
 * @example
 * ```ts
 * const transport = createRecordingTransport({ receiver: new WebhookReceiver({ secret }) });
 * const sender = new WebhookSender({ transport, clock: createFakeClock() });
 * await sender.publish(event);
 * await sender.processDue();
 * expect(transport.requests).toHaveLength(1);
 * ```
 */
export function createRecordingTransport(
  options: RecordingTransportOptions = {},
): RecordingTransport {
  assertKnownOptions(options, RECORDING_TRANSPORT_OPTION_NAMES, 'createRecordingTransport');
  const { receiver, status = 204 } = options;
  if (receiver !== undefined && typeof receiver?.handle !== 'function') {
    throw invalidOption(
      'receiver',
      `createRecordingTransport: \`receiver\` must be a WebhookReceiver, got ${describeValue(receiver)}.`,
      typeIssueCode(receiver),
    );
  }
  if (
    typeof status !== 'function' &&
    !(Number.isInteger(status) && (status === 0 || (status >= 100 && status <= 599)))
  ) {
    throw invalidOption(
      'status',
      'createRecordingTransport: `status` must be 0 (no response), an HTTP status or a function.',
      typeof status === 'number' ? 'invalid_value' : 'invalid_type',
    );
  }
  const requests: TransportRequest[] = [];
  return {
    requests,
    clear: () => void requests.splice(0),
    async send(request: TransportRequest): Promise<TransportResult> {
      requests.push(request);
      if (receiver !== undefined) {
        const answer = await receiver.handle({
          method: 'POST',
          headers: request.headers,
          body: request.body,
        });
        return result(answer.status, answer.body, answer.headers['retry-after'] ?? null);
      }
      const code = typeof status === 'function' ? status(request) : status;
      return result(code, '', null);
    },
  };
}

function result(statusCode: number, body: string, retryAfter: string | null): TransportResult {
  if (statusCode === 0) {
    return {
      statusCode: null,
      failureReason: 'NETWORK_ERROR',
      responseBody: '',
      retryAfter: null,
      durationMs: 0,
    };
  }
  const failureReason: DeliveryFailureReason | null =
    statusCode >= 200 && statusCode < 300 ? null : 'HTTP_ERROR';
  return {
    statusCode,
    failureReason,
    responseBody: body.slice(0, 4096),
    retryAfter,
    durationMs: 0,
  };
}
