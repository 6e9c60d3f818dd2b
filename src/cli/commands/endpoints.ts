// `novatrade-webhooks endpoints …`: the webhook endpoints of the management API, through the typed
// client (`/client`, docs/client.md): list, create, get, pause, resume, delete, test and
// rotate-secret. Readable tables and summaries by default, the API's JSON with `--json`. The
// signing secret is printed once, by `create` and `rotate-secret`, which are the only answers that
// hold it; every write carries an Idempotency-Key (the client's, or `--idempotency-key`).
import type { Command } from 'commander';
import { EVENT_TYPES, type EventType } from '../../core/catalog/event-types.js';
import { type ApiOptions, addApiOptions, connectApi } from '../internal/api-connection.js';
import { endpointLines, endpointTable, printJson } from '../internal/api-views.js';
import { callApi } from '../internal/call-api.js';
import type { CliContext } from '../internal/cli-context.js';
import { usageError } from '../internal/cli-error.js';
import { readDataOption } from '../internal/data-option.js';
import { helpExamples } from '../internal/help-examples.js';
import { nearestName } from '../internal/nearest-name.js';
import {
  integerParser,
  listParser,
  parseEventPattern,
  parseHttpUrl,
  parseUuid,
} from '../internal/option-parsers.js';
import type { Output } from '../internal/output.js';
import {
  addIdempotencyKeyOption,
  type WriteOptions,
  writeOptions,
} from '../internal/write-options.js';

/** The options of `endpoints create`. */
interface CreateOptions extends WriteOptions {
  readonly url: string;
  readonly events: string[];
  readonly partner?: string[];
  readonly description?: string;
  readonly schemaVersion?: number[];
  readonly secret?: string;
}

/** The options of `endpoints test`. */
interface TestOptions extends WriteOptions {
  readonly type: string;
  readonly data?: string;
  readonly partner?: string;
}

/** The options of `endpoints rotate-secret`. */
interface RotateOptions extends WriteOptions {
  readonly overlapMs?: number;
  readonly secret?: string;
}

/** The longest overlap of a rotation the API takes, ms (7 days). */
const MAX_OVERLAP_MS = 7 * 24 * 3_600_000;

/** The sample data of `type` (the catalog's schemas load only when a test fire needs them). */
async function sampleData(type: EventType): Promise<Record<string, unknown>> {
  const { createSampleEvent } = await import('../../core/catalog/sample-events.js');
  return createSampleEvent(type).data as Record<string, unknown>;
}

/** Prints a one-time secret, clearly labelled: the only place a secret is printed. */
function printSecret(output: Output, label: string, secret: string): void {
  output.line();
  output.line(
    `${output.colors.bold(output.colors.yellow(`${label} (shown once: store it now):`))}`,
  );
  output.line(secret);
}

/** Registers `endpoints` and its subcommands on the program. */
export function registerEndpointsCommand(program: Command, context: CliContext): void {
  const { output } = context;
  const endpoints = program
    .command('endpoints')
    .summary('list, create and manage webhook endpoints through the management API')
    .description(
      'Manage the webhook endpoints of a running management API (novatrade-webhooks serve, or ' +
        `the Novatrade24 API): list, create, get, pause, resume, delete, test, rotate-secret. ` +
        'Every subcommand takes --base-url, --token (or client credentials) and --json.',
    )
    .addHelpText(
      'after',
      helpExamples([
        '# Against a local serve, with the API key it printed',
        'export NOVATRADE_WEBHOOKS_TOKEN=<api key>',
        'novatrade-webhooks endpoints create --url http://127.0.0.1:8081/ --events "compliance.*,kyc.*"',
        'novatrade-webhooks endpoints list',
        'novatrade-webhooks endpoints pause wh_01j9zkx3w5',
        '# The Novatrade24 API, with client credentials',
        'novatrade-webhooks endpoints list --base-url https://api.novatrade24.com \\',
        '    --client-id "$ID" --client-secret "$SECRET" --token-url "$TOKEN_URL"',
      ]),
    );

  addApiOptions(endpoints.command('list'))
    .description('List every endpoint of the organization, oldest first (no secrets).')
    .addHelpText(
      'after',
      helpExamples([
        'novatrade-webhooks endpoints list',
        'novatrade-webhooks endpoints list --json | jq -r \'.[] | select(.status == "PAUSED") | .id\'',
      ]),
    )
    .action(async (options: ApiOptions) => {
      const connection = await connectApi(options, context.io);
      const { data } = await callApi(connection, (client) => client.endpoints.list());
      if (options.json === true) return printJson(output, data);
      if (data.length === 0) {
        output.line(
          'No endpoints. Create one with: novatrade-webhooks endpoints create --url <url> --events <types>',
        );
        return;
      }
      for (const line of endpointTable(data, output.colors)) output.line(line);
    });

  addIdempotencyKeyOption(
    addApiOptions(
      endpoints
        .command('create')
        .description(
          'Register an endpoint. Prints its signing secret once: store it now, no other answer ' +
            'holds it.',
        )
        .requiredOption(
          '--url <url>',
          'where deliveries go (https:, or http: on a local serve)',
          parseHttpUrl,
        )
        .requiredOption(
          '--events <list>',
          'event types or segment wildcards, comma-separated or repeated (compliance.*,kyc.vies_check_failed)',
          listParser(parseEventPattern),
        )
        .option(
          '--partner <uuid>',
          'only events of these partners, comma-separated or repeated (default: every partner)',
          listParser(parseUuid),
        )
        .option('--description <text>', 'a note for people, up to 500 characters')
        .option(
          '--schema-version <n>',
          'accepted schema versions, comma-separated or repeated (default: the current ones)',
          listParser(integerParser({ min: 1, max: 999 })),
        )
        .option('--secret <secret>', 'your own signing secret (default: one is generated)'),
    ),
  )
    .addHelpText(
      'after',
      helpExamples([
        'novatrade-webhooks endpoints create --url https://partner.example/webhooks --events "compliance.*"',
        '# Only two partners, with a description',
        'novatrade-webhooks endpoints create --url "$URL" --events kyc.vies_check_failed \\',
        '    --partner 3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03 --partner 9b2d4f6a-1c3e-4a5b-8d7f-0e1a2b3c4d5e \\',
        '    --description "VAT checks"',
        '# Keep the secret in a file, not on screen',
        'novatrade-webhooks endpoints create --url "$URL" --events "kyc.*" --json | jq -r .secret > secret.txt',
      ]),
    )
    .action(async (options: CreateOptions) => {
      const connection = await connectApi(options, context.io);
      const { data } = await callApi(connection, (client) =>
        client.endpoints.create(
          {
            url: options.url,
            events: options.events,
            ...(options.partner === undefined ? {} : { partnerIds: options.partner }),
            ...(options.description === undefined ? {} : { description: options.description }),
            ...(options.schemaVersion === undefined
              ? {}
              : { acceptedSchemaVersions: options.schemaVersion }),
            ...(options.secret === undefined ? {} : { secret: options.secret }),
          },
          writeOptions(options),
        ),
      );
      if (options.json === true) return printJson(output, data);
      output.line(`Created ${data.id}.`);
      const { secret, ...endpoint } = data;
      for (const line of endpointLines(endpoint, output.colors)) output.line(line);
      printSecret(output, 'Signing secret', secret);
    });

  addApiOptions(endpoints.command('get').argument('<id>', 'the endpoint id (wh_…)'))
    .description('Show one endpoint, with its health (consecutive failures, live secrets).')
    .addHelpText('after', helpExamples(['novatrade-webhooks endpoints get wh_01j9zkx3w5']))
    .action(async (id: string, options: ApiOptions) => {
      const connection = await connectApi(options, context.io);
      const { data } = await callApi(connection, (client) => client.endpoints.get(id));
      if (options.json === true) return printJson(output, data);
      for (const line of endpointLines(data, output.colors)) output.line(line);
    });

  for (const [name, verb, description] of [
    [
      'pause',
      'Paused',
      'Pause an endpoint: new events are parked as FAILED ENDPOINT_PAUSED, replayable later.',
    ],
    [
      'resume',
      'Resumed',
      'Resume a PAUSED or DISABLED endpoint with a fresh failure count. It replays nothing: ' +
        'use deliveries recover for what was parked meanwhile.',
    ],
  ] as const) {
    addIdempotencyKeyOption(
      addApiOptions(endpoints.command(name).argument('<id>', 'the endpoint id (wh_…)')),
    )
      .description(description)
      .addHelpText(
        'after',
        helpExamples(
          name === 'pause'
            ? ['novatrade-webhooks endpoints pause wh_01j9zkx3w5']
            : [
                'novatrade-webhooks endpoints resume wh_01j9zkx3w5',
                '# Then send again what failed while it was paused',
                'novatrade-webhooks deliveries recover wh_01j9zkx3w5 --since 2026-05-01T00:00:00Z',
              ],
        ),
      )
      .action(async (id: string, options: WriteOptions) => {
        const connection = await connectApi(options, context.io);
        const { data } = await callApi(connection, (client) =>
          name === 'pause'
            ? client.endpoints.pause(id, writeOptions(options))
            : client.endpoints.resume(id, writeOptions(options)),
        );
        if (options.json === true) return printJson(output, data);
        output.line(`${verb} ${data.id}: now ${data.status}.`);
      });
  }

  addIdempotencyKeyOption(
    addApiOptions(endpoints.command('delete').argument('<id>', 'the endpoint id (wh_…)')),
  )
    .description('Delete an endpoint. Its pending deliveries end FAILED ENDPOINT_DELETED.')
    .addHelpText('after', helpExamples(['novatrade-webhooks endpoints delete wh_01j9zkx3w5']))
    .action(async (id: string, options: WriteOptions) => {
      const connection = await connectApi(options, context.io);
      await callApi(connection, (client) => client.endpoints.delete(id, writeOptions(options)));
      // 204: the API answers no JSON, so --json prints nothing either.
      if (options.json !== true) output.line(`Deleted ${id}.`);
    });

  addIdempotencyKeyOption(
    addApiOptions(
      endpoints
        .command('test')
        .argument('<id>', 'the endpoint id (wh_…)')
        .option('--type <event-type>', 'the event type to fire', EVENT_TYPES[0] as string)
        .option('--data <json|@file>', "the event's data (default: the type's sample data)")
        .option(
          '--partner <uuid>',
          "the envelope's partnerUuid (default: the all-zero UUID)",
          parseUuid,
        ),
    ),
  )
    .description(
      'Fire a test event at one endpoint through the API (ignoring its subscriptions and a ' +
        'PAUSED status): one attempt, no retries, shown in the history with test: true.',
    )
    .addHelpText(
      'after',
      helpExamples([
        'novatrade-webhooks endpoints test wh_01j9zkx3w5',
        'novatrade-webhooks endpoints test wh_01j9zkx3w5 --type compliance.decision_made \\',
        '    --data \'{"orderUuid":"00000000-0000-0000-0000-000000000000","decision":"VAT_APPLICABLE"}\'',
      ]),
    )
    .action(async (id: string, options: TestOptions) => {
      const type = options.type;
      if (!(EVENT_TYPES as readonly string[]).includes(type)) {
        throw usageError(
          `--type: unknown event type ${JSON.stringify(type)}; did you mean ${nearestName(type, EVENT_TYPES)}?`,
          `The event types: ${EVENT_TYPES.join(', ')}.`,
        );
      }
      const data =
        options.data === undefined
          ? await sampleData(type as EventType)
          : await readDataOption(options.data, context.io);
      const connection = await connectApi(options, context.io);
      const { data: delivery } = await callApi(connection, (client) =>
        client.endpoints.test(
          id,
          {
            eventType: type,
            data,
            ...(options.partner === undefined ? {} : { partnerUuid: options.partner }),
          },
          writeOptions(options),
        ),
      );
      if (options.json === true) return printJson(output, delivery);
      output.line(
        `Queued test delivery ${delivery.id} of ${delivery.eventType} (${delivery.eventId}) to ${id}.`,
      );
      output.line(
        output.colors.dim(
          `See how it went: novatrade-webhooks deliveries get ${id} ${delivery.id}`,
        ),
      );
    });

  addIdempotencyKeyOption(
    addApiOptions(
      endpoints
        .command('rotate-secret')
        .argument('<id>', 'the endpoint id (wh_…)')
        .option(
          '--overlap-ms <ms>',
          'how long the current secrets keep signing next to the new one, 0 to 7 days (default: 24 h)',
          integerParser({ min: 0, max: MAX_OVERLAP_MS }),
        )
        .option('--secret <secret>', 'your own new secret (default: one is generated)'),
    ),
  )
    .description(
      'Rotate the signing secret. Prints the new secret once; the current ones keep signing ' +
        'until the overlap ends, so receivers can switch without a gap.',
    )
    .addHelpText(
      'after',
      helpExamples([
        'novatrade-webhooks endpoints rotate-secret wh_01j9zkx3w5',
        '# End the old secret after one hour',
        'novatrade-webhooks endpoints rotate-secret wh_01j9zkx3w5 --overlap-ms 3600000',
      ]),
    )
    .action(async (id: string, options: RotateOptions) => {
      const connection = await connectApi(options, context.io);
      const { data } = await callApi(connection, (client) =>
        client.endpoints.rotateSecret(
          id,
          {
            ...(options.overlapMs === undefined ? {} : { overlapMs: options.overlapMs }),
            ...(options.secret === undefined ? {} : { secret: options.secret }),
          },
          writeOptions(options),
        ),
      );
      if (options.json === true) return printJson(output, data);
      output.line(`Rotated the signing secret of ${id}.`);
      printSecret(output, 'New signing secret', data.secret);
    });
}
