import { deliveryStatus } from '@consign/operations';
import { Command } from '../command';
import { fields, indent, json, table } from '../render';

export const statusCommand: Command = {
  path: ['status'],
  summary: 'the path of a delivery or an order: received, published, processed, dead-lettered',
  usage: 'status <delivery-id|order-id>',
  details: `Asks the gateway (GET /admin/deliveries/:id, else ?subjectId=<order id>), then Kafka: which
consumer groups committed past each published record, and which dead-lettered it and why.`,
  operands: { name: '<delivery-id|order-id>', description: 'a delivery id (X-Shopify-Webhook-Id or svix-id) or an order id' },
  options: {},
  async run({ positionals, json: asJson, context, io }) {
    const report = await deliveryStatus(
      { http: context.http, kafka: context.kafka, admin: await context.admin(), progress: context.progress },
      positionals[0],
    );
    if (asJson) return (io.out(json(report)), 0);
    for (const { delivery, records } of report.deliveries) {
      io.out(
        fields([
          ['delivery', `${delivery.source} ${delivery.deliveryId} (${delivery.topic}, tenant ${delivery.tenantId})`],
          ['received', delivery.receivedAt],
          ['verified', delivery.verifiedAt],
          [
            'status',
            delivery.status +
              (delivery.duplicateOf ? ` of ${delivery.duplicateOf}` : '') +
              (delivery.attempts > 1 ? ` after ${delivery.attempts} attempts` : ''),
          ],
          ['event id', delivery.eventId],
          ['published', delivery.publishedAt],
        ]),
      );
      if (delivery.status === 'spooled') io.out('  still in the gateway spool: not on Kafka yet\n');
      for (const { record, consumers, deadLetters } of records) {
        io.out(`  record ${record.topic}:${record.partition}:${record.offset}\n`);
        io.out(
          indent(
            table(
              ['group', 'committed', 'processed'],
              consumers.map((consumer) => [consumer.group, consumer.committed ?? 'none', consumer.processed ? 'yes' : 'no']),
            ),
            4,
          ),
        );
        for (const deadLetter of deadLetters) {
          io.out(
            `    dead-lettered by ${deadLetter.group} at ${deadLetter.id}: ${deadLetter.category}/${deadLetter.code} after ${deadLetter.attempts} attempt(s): ${deadLetter.message}\n`,
          );
        }
      }
      io.out('\n');
    }
    return 0;
  },
};
