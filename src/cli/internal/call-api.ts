// One client call of an API command, with its failure turned into the command line's (exit 1 for
// the API's answers and an unreachable API, 2 for an id the client refuses before sending).
import type { UntypedEventDataMap } from '../../client/input-types.js';
import type { WebhooksClient } from '../../client/webhooks-client.js';
import type { ApiConnection } from './api-connection.js';
import { apiFailure } from './api-failure.js';

/**
 * Runs `call` with the connection's client; rejects with {@link apiFailure}'s `CliError` when
 * the call fails.
 *
 * @example
 * ```ts
 * const { data } = await callApi(connection, (client) => client.endpoints.list());
 * ```
 */
export async function callApi<T>(
  connection: ApiConnection,
  call: (client: WebhooksClient<UntypedEventDataMap>) => Promise<T>,
): Promise<T> {
  try {
    return await call(connection.client);
  } catch (error) {
    throw apiFailure(error, connection.baseUrl);
  }
}
