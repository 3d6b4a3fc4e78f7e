import { searchDeliveryHistory } from '@consign/operations';
import { Command, text, wholeNumber } from '../../command';
import { json, table } from '../../render';
import { historyFilterOptions, historySearch } from './history-filters';

export const deliveriesList: Command = {
  path: ['deliveries', 'list'],
  summary: 'search the delivery history: every webhook answered, refused ones with their reason',
  usage:
    'deliveries list [--from <ISO>] [--to <ISO>] [--source shopify|clerk] [--tenant <id>] [--topic <t>] [--outcome <o>] [--reason <code>] [--subject <id>] [--delivery-id <id>] [--limit <n>] [--cursor <c>]',
  details: `Asks the gateway (GET /admin/delivery-history), which keeps every request it answered for
DELIVERY_HISTORY_RETENTION (30 days), newest first: refused ones with their reason, the sender's
address and headers (secrets removed), never a body. A page ends with the --cursor of the next one.`,
  options: {
    ...historyFilterOptions,
    limit: { type: 'string', value: '<n>', description: 'deliveries per page, 1 to 500', default: '50' },
    cursor: { type: 'string', value: '<c>', description: 'the page a previous listing named as the next', default: 'the newest page' },
  },
  async run({ values, json: asJson, context, io }) {
    const page = await searchDeliveryHistory(context.http, {
      ...historySearch(values),
      limit: wholeNumber(text(values, 'limit'), 'limit'),
      cursor: text(values, 'cursor'),
    });
    if (asJson) return (io.out(json(page)), 0);
    io.out(
      table(
        ['received', 'source', 'tenant', 'topic', 'delivery id', 'subject', 'outcome', 'HTTP', 'from'],
        page.deliveries.map((entry) => [
          entry.receivedAt,
          entry.source,
          entry.tenantId,
          entry.topic,
          entry.deliveryId,
          entry.subjectId,
          entry.outcome === 'rejected' ? `rejected: ${entry.reason ?? ''}` : entry.outcome,
          entry.httpStatus,
          entry.sourceAddress,
        ]),
      ),
    );
    io.out(
      page.nextCursor
        ? `${page.deliveries.length} shown; older ones: --cursor ${page.nextCursor}\n`
        : `${page.deliveries.length} shown; no older ones match\n`,
    );
    return 0;
  },
};
