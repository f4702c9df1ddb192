import type { RouterOutputs } from '@takst/sdk';
import { type Command, positionalArgs } from '../cli/command';
import { EXIT } from '../cli/exit-codes';
import { writeLine } from '../cli/io';
import { formatFields, formatTable, printJson } from '../cli/output';
import { PAGE_HELP, PAGE_OPTIONS, pages, readPaging } from '../cli/pages';

type Endpoint = RouterOutputs['webhooks']['list']['items'][number];
type Delivery = RouterOutputs['webhooks']['deliveries']['items'][number];

const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed', 'exhausted'] as const;

function endpointState(endpoint: Endpoint): string {
  if (!endpoint.enabled) return `disabled${endpoint.disabledReason ? ` (${endpoint.disabledReason})` : ''}`;
  return endpoint.failingSince ? `failing since ${endpoint.failingSince}` : 'enabled';
}

const endpointRow = (e: Endpoint) => [e.id, e.url, endpointState(e), e.eventTypes.join(',') || 'all'];
const deliveryRow = (d: Delivery) => [
  d.id,
  d.eventSequence,
  d.eventType,
  d.status,
  d.attemptCount,
  d.lastStatusCode,
  d.nextAttemptAt,
];

export const webhooksList: Command = {
  name: 'webhooks list',
  summary: 'list webhook endpoints',
  help: `Usage: takst webhooks list [--limit N] [--all]

Lists webhook endpoints, newest first (needs the scope webhooks:manage).

Options:
${PAGE_HELP}`,
  options: { ...PAGE_OPTIONS },
  async run(context) {
    const client = context.client();
    const fetchPage = (paging: { limit: number; cursor?: string }) => client.webhooks.list.query(paging);
    for await (const page of pages(readPaging(context.options), fetchPage, context.io.stderr)) {
      if (context.json) for (const item of page.items) await printJson(context.io.stdout, item);
      else
        await writeLine(context.io.stdout, formatTable(['ID', 'URL', 'STATE', 'EVENTS'], page.items.map(endpointRow)));
    }
    return EXIT.ok;
  },
};

export const webhooksDeliveries: Command = {
  name: 'webhooks deliveries',
  summary: 'list the deliveries of a webhook endpoint',
  help: `Usage: takst webhooks deliveries <endpoint-id> [--status pending|succeeded|failed|exhausted] [--limit N] [--all]

Lists an endpoint's deliveries, newest event first, with their status and attempts. With --json,
each delivery carries its attempts (status code, duration, error).

Options:
  --status <status>        only deliveries in this status
${PAGE_HELP}`,
  options: { ...PAGE_OPTIONS, status: { type: 'string' } },
  async run(context) {
    const [endpointId = ''] = positionalArgs(context, ['an endpoint id']);
    const status = context.options.oneOf('status', DELIVERY_STATUSES);
    const client = context.client();
    const fetchPage = (paging: { limit: number; cursor?: string }) =>
      client.webhooks.deliveries.query({ endpointId, ...(status ? { status } : {}), ...paging });
    for await (const page of pages(readPaging(context.options), fetchPage, context.io.stderr)) {
      if (context.json) for (const item of page.items) await printJson(context.io.stdout, item);
      else {
        const headers = ['ID', 'EVENT', 'TYPE', 'STATUS', 'ATTEMPTS', 'LAST HTTP', 'NEXT ATTEMPT'];
        await writeLine(context.io.stdout, formatTable(headers, page.items.map(deliveryRow)));
      }
    }
    return EXIT.ok;
  },
};

export const webhooksRedeliver: Command = {
  name: 'webhooks redeliver',
  summary: 'send a delivery again now',
  help: `Usage: takst webhooks redeliver <delivery-id>

Sends a delivery again now, starting its retry schedule over.`,
  options: {},
  async run(context) {
    const [deliveryId = ''] = positionalArgs(context, ['a delivery id']);
    const delivery = await context.client().webhooks.redeliver.mutate({ deliveryId });
    if (context.json) await printJson(context.io.stdout, delivery);
    else {
      await writeLine(
        context.io.stdout,
        formatFields([
          ['delivery', delivery.id],
          ['event', `#${delivery.eventSequence} ${delivery.eventType}`],
          ['status', delivery.status],
          ['attempts', delivery.attemptCount],
          ['next attempt', delivery.nextAttemptAt],
        ]),
      );
    }
    return EXIT.ok;
  },
};
