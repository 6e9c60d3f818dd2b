// `novatrade-webhooks deliveries …`: an endpoint's delivery history and its replays, through the
// typed client (docs/client.md): list (a page, or `--all` pages), get (with the attempts),
// replay, recover. History is the last 30 days, newest first by default (docs/design.md §5.11).
import { type Command, Option } from 'commander';
import type { DeliverySort } from '../../client/input-types.js';
import type { WebhookDelivery, WebhookDeliveryStatus } from '../../client/resource-types.js';
import { type ApiOptions, addApiOptions, connectApi } from '../internal/api-connection.js';
import {
  deliveryDetailLines,
  deliveryLines,
  deliveryTable,
  printJson,
} from '../internal/api-views.js';
import { callApi } from '../internal/call-api.js';
import type { CliContext } from '../internal/cli-context.js';
import { usageError } from '../internal/cli-error.js';
import { helpExamples } from '../internal/help-examples.js';
import { integerParser, parseRfc3339 } from '../internal/option-parsers.js';
import {
  addIdempotencyKeyOption,
  type WriteOptions,
  writeOptions,
} from '../internal/write-options.js';

/** The delivery statuses `--status` takes. */
const STATUSES = [
  'PENDING',
  'DELIVERED',
  'FAILED',
] as const satisfies readonly WebhookDeliveryStatus[];

/** The sorts `--sort` takes. */
const SORTS = [
  'createdAt',
  'createdAt,asc',
  'createdAt,desc',
  'lastAttemptAt',
  'lastAttemptAt,asc',
  'lastAttemptAt,desc',
] as const satisfies readonly DeliverySort[];

/** The options of `deliveries list`. */
interface ListOptions extends ApiOptions {
  readonly status?: WebhookDeliveryStatus;
  readonly since?: string;
  readonly page?: number;
  readonly size?: number;
  readonly sort?: DeliverySort;
  readonly all?: boolean;
}

/** The options of `deliveries recover`. */
interface RecoverOptions extends WriteOptions {
  readonly since: string;
  readonly until?: string;
}

/** Registers `deliveries` and its subcommands on the program. */
export function registerDeliveriesCommand(program: Command, context: CliContext): void {
  const { output } = context;
  const deliveries = program
    .command('deliveries')
    .summary("read an endpoint's delivery history, replay and recover deliveries")
    .description(
      "Read an endpoint's delivery history (the last 30 days) through the management API, look " +
        'at one delivery and its attempts, replay one, or recover every failure of a time range. ' +
        'Every subcommand takes --base-url, --token (or client credentials) and --json.',
    )
    .addHelpText(
      'after',
      helpExamples([
        'novatrade-webhooks deliveries list wh_01j9zkx3w5 --status FAILED',
        'novatrade-webhooks deliveries get wh_01j9zkx3w5 del_01j9zm0a7q',
        'novatrade-webhooks deliveries replay wh_01j9zkx3w5 del_01j9zm0a7q',
        'novatrade-webhooks deliveries recover wh_01j9zkx3w5 --since 2026-05-01T00:00:00Z',
      ]),
    );

  addApiOptions(
    deliveries
      .command('list')
      .alias('history')
      .argument('<endpoint-id>', 'the endpoint id (wh_…)')
      .addOption(
        new Option('--status <status>', 'only deliveries in this status').choices(STATUSES),
      )
      .option('--since <time>', 'only deliveries created after this RFC 3339 time', parseRfc3339)
      .option('--page <n>', 'the page, from 0', integerParser({ min: 0, max: 1_000_000 }))
      .option(
        '--size <n>',
        'deliveries per page, 1 to 100 (default: 20)',
        integerParser({ min: 1, max: 100 }),
      )
      .addOption(
        new Option('--sort <order>', 'the order (default: createdAt,desc: newest first)').choices(
          SORTS,
        ),
      )
      .option('--all', 'every page, from --page on (one request per page)'),
  )
    .description("List an endpoint's delivery history, newest first: one page, or --all.")
    .addHelpText(
      'after',
      helpExamples([
        'novatrade-webhooks deliveries list wh_01j9zkx3w5',
        '# Failures of the last day, every page',
        'novatrade-webhooks deliveries list wh_01j9zkx3w5 --status FAILED --since 2026-05-01T00:00:00Z --all',
        '# The next page, 50 at a time',
        'novatrade-webhooks deliveries list wh_01j9zkx3w5 --size 50 --page 1',
      ]),
    )
    .action(async (endpointId: string, options: ListOptions) => {
      const connection = await connectApi(options, context.io);
      const query = {
        ...(options.status === undefined ? {} : { status: options.status }),
        ...(options.since === undefined ? {} : { since: options.since }),
        ...(options.page === undefined ? {} : { page: options.page }),
        ...(options.size === undefined ? {} : { size: options.size }),
        ...(options.sort === undefined ? {} : { sort: options.sort }),
      };
      if (options.all === true) {
        const all: WebhookDelivery[] = [];
        await callApi(connection, async (client) => {
          for await (const delivery of client.deliveries.listAll(endpointId, query)) {
            all.push(delivery);
          }
        });
        if (options.json === true) return printJson(output, all);
        if (all.length === 0) return output.line('No deliveries.');
        for (const line of deliveryTable(all, output.colors)) output.line(line);
        output.line(output.colors.dim(`${all.length} deliver${all.length === 1 ? 'y' : 'ies'}`));
        return;
      }
      const { data: page } = await callApi(connection, (client) =>
        client.deliveries.list(endpointId, query),
      );
      if (options.json === true) return printJson(output, page);
      const { pagination } = page;
      if (page.data.length === 0) {
        output.line(
          pagination.totalElements === 0
            ? 'No deliveries.'
            : `No deliveries on page ${pagination.page} (${pagination.totalElements} in ${pagination.totalPages} pages).`,
        );
        return;
      }
      for (const line of deliveryTable(page.data, output.colors)) output.line(line);
      output.line(
        output.colors.dim(
          `page ${pagination.page} of ${pagination.totalPages} (from 0; ` +
            `${pagination.totalElements} deliver${pagination.totalElements === 1 ? 'y' : 'ies'})` +
            (pagination.hasNext ? `; next: --page ${pagination.page + 1}, or --all` : ''),
        ),
      );
    });

  addApiOptions(
    deliveries
      .command('get')
      .argument('<endpoint-id>', 'the endpoint id (wh_…)')
      .argument('<delivery-id>', 'the delivery id (del_…)'),
  )
    .description('Show one delivery and its attempts (status, duration, the start of each answer).')
    .addHelpText(
      'after',
      helpExamples(['novatrade-webhooks deliveries get wh_01j9zkx3w5 del_01j9zm0a7q']),
    )
    .action(async (endpointId: string, deliveryId: string, options: ApiOptions) => {
      const connection = await connectApi(options, context.io);
      const { data } = await callApi(connection, (client) =>
        client.deliveries.get(endpointId, deliveryId),
      );
      if (options.json === true) return printJson(output, data);
      for (const line of deliveryDetailLines(data, output.colors)) output.line(line);
    });

  addIdempotencyKeyOption(
    addApiOptions(
      deliveries
        .command('replay')
        .argument('<endpoint-id>', 'the endpoint id (wh_…)')
        .argument('<delivery-id>', 'the delivery id (del_…)'),
    ),
  )
    .description(
      'Send a DELIVERED or FAILED delivery again, as a new delivery with the same event id and a ' +
        'fresh signature (the endpoint must be ACTIVE).',
    )
    .addHelpText(
      'after',
      helpExamples(['novatrade-webhooks deliveries replay wh_01j9zkx3w5 del_01j9zm0a7q']),
    )
    .action(async (endpointId: string, deliveryId: string, options: WriteOptions) => {
      const connection = await connectApi(options, context.io);
      const { data } = await callApi(connection, (client) =>
        client.deliveries.replay(endpointId, deliveryId, writeOptions(options)),
      );
      if (options.json === true) return printJson(output, data);
      output.line(`Replaying ${deliveryId} as ${data.id}.`);
      for (const line of deliveryLines(data, output.colors)) output.line(line);
    });

  addIdempotencyKeyOption(
    addApiOptions(
      deliveries
        .command('recover')
        .argument('<endpoint-id>', 'the endpoint id (wh_…)')
        .requiredOption(
          '--since <time>',
          'the start of the range, RFC 3339 (included)',
          parseRfc3339,
        )
        .option(
          '--until <time>',
          'the end of the range, RFC 3339 (excluded; default: now)',
          parseRfc3339,
        ),
    ),
  )
    .description(
      'Replay every FAILED delivery created in [--since, --until) once (the endpoint must be ' +
        'ACTIVE): what failed or was parked while it was down or paused.',
    )
    .addHelpText(
      'after',
      helpExamples([
        'novatrade-webhooks deliveries recover wh_01j9zkx3w5 --since 2026-05-01T00:00:00Z',
        'novatrade-webhooks deliveries recover wh_01j9zkx3w5 --since 2026-05-01T00:00:00Z \\',
        '    --until 2026-05-02T00:00:00Z',
      ]),
    )
    .action(async (endpointId: string, options: RecoverOptions) => {
      if (options.until !== undefined && Date.parse(options.until) <= Date.parse(options.since)) {
        throw usageError('--until must be later than --since.');
      }
      const connection = await connectApi(options, context.io);
      const { data } = await callApi(connection, (client) =>
        client.deliveries.recover(
          endpointId,
          {
            since: options.since,
            ...(options.until === undefined ? {} : { until: options.until }),
          },
          writeOptions(options),
        ),
      );
      if (options.json === true) return printJson(output, data);
      output.line(
        `Replaying ${data.replayed} failed deliver${data.replayed === 1 ? 'y' : 'ies'} of ${endpointId}.`,
      );
    });
}
