import { topics } from '@consign/contracts';
import { ReplayDelivery, replayWebhooks, WebhookSelection } from '@consign/operations';
import {
  Command,
  confirmation,
  dryRunOption,
  flag,
  previewTable,
  renderActingOn,
  required,
  text,
  time,
  UsageError,
  yesOption,
} from '../../command';
import { json, table } from '../../render';

export const webhooksReplay: Command = {
  path: ['webhooks', 'replay'],
  summary: 'replay archived raw webhooks through the gateway mapping path',
  usage:
    'webhooks replay (--delivery-id <id>... | --from <ISO> --to <ISO> [--source shopify|clerk] [--topic orders/create]) [--dry-run] [--yes]',
  details: `Reads webhooks.raw.v1 (by time with the broker's time index), then asks the gateway to replay
each by its place in the archive (POST /admin/webhooks/replay): the gateway reads the bodies there
itself. Shows the Kafka cluster, the gateway and what it found, and asks first unless --yes.
Exit 1 when any delivery failed or an id is not archived.`,
  options: {
    'delivery-id': {
      type: 'string',
      value: '<id>...',
      description: 'these deliveries: --delivery-id A B, or the option repeated',
      default: 'none',
      multiple: true,
      variadic: true,
    },
    from: { type: 'string', value: '<ISO>', description: 'the deliveries received from this time on, with --to', default: 'none' },
    to: { type: 'string', value: '<ISO>', description: 'and before this time', default: 'none' },
    source: { type: 'string', value: 'shopify|clerk', description: 'only those of this sender', default: 'both' },
    topic: {
      type: 'string',
      value: '<topic>',
      description: 'only those of this webhook topic, such as orders/create',
      default: 'every topic',
    },
    ...dryRunOption('what would be replayed'),
    'archive-topic': {
      type: 'string',
      value: '<topic>',
      description: 'the raw archive, another topic for tests',
      default: topics.webhooksRaw.name,
    },
    ...yesOption('replay'),
  },
  async run(invocation) {
    const { values, json: asJson, context, io } = invocation;
    const ids = (values['delivery-id'] as string[] | undefined) ?? [];
    const source = text(values, 'source');
    if (source !== undefined && source !== 'shopify' && source !== 'clerk')
      throw new UsageError(`--source must be shopify or clerk, got "${source}"`);
    let selection: WebhookSelection;
    if (ids.length > 0) {
      if (values.from || values.to || source || values.topic)
        throw new UsageError('--delivery-id cannot be combined with --from/--to/--source/--topic');
      selection = { deliveryIds: ids };
    } else {
      const from = time(required(values, 'from'), 'from') as Date;
      const to = time(required(values, 'to'), 'to') as Date;
      if (to <= from) throw new UsageError('--to must be after --from');
      selection = { from, to, source, topic: text(values, 'topic') };
    }
    const ask = confirmation(invocation);
    const actingOn = context.actingOn(['kafka', 'gateway']);
    const deliveryRows = (deliveries: Array<Pick<ReplayDelivery, 'receivedAt' | 'source' | 'deliveryId' | 'topic' | 'tenantId'>>) =>
      deliveries.map((entry) => [entry.receivedAt, entry.source, entry.deliveryId, entry.topic, entry.tenantId]);
    const deliveryHeader = ['received', 'source', 'delivery id', 'topic', 'tenant'];
    const outcome = await replayWebhooks(
      {
        kafka: context.kafka,
        admin: await context.admin(),
        codec: context.codec,
        http: context.http,
        database: await context.database(),
        actor: context.actor,
        progress: context.progress,
        confirm:
          ask &&
          (async (plan) => (
            io.err(
              `${renderActingOn(actingOn)}Replay ${plan.found} archived delivery(ies) through the gateway:\n${previewTable(deliveryHeader, deliveryRows(plan.deliveries))}`,
            ),
            ask('Replay them?')
          )),
      },
      { selection, dryRun: flag(values, 'dry-run'), archiveTopic: text(values, 'archive-topic') },
    );
    const failed = outcome.failed > 0 || outcome.missing.length > 0;
    if (asJson) return (io.out(json({ ...outcome, actingOn })), failed ? 1 : 0);
    io.out(renderActingOn(actingOn));
    if (flag(values, 'dry-run')) io.out(table(deliveryHeader, deliveryRows(outcome.deliveries)));
    else
      io.out(
        table(
          ['delivery id', 'status', 'events', 'error'],
          outcome.results.map((result) => [
            result.deliveryId ?? `(archive ${result.archivedAt.partition}:${result.archivedAt.offset})`,
            result.status,
            result.publishedTo.map((record) => `${record.topic}:${record.partition}:${record.offset}`).join(' '),
            result.error,
          ]),
        ),
      );
    io.out(
      `${outcome.found} archived deliveries found (${outcome.scanned} read)${flag(values, 'dry-run') ? '; dry run: nothing replayed' : `; ${outcome.results.length - outcome.failed} replayed, ${outcome.failed} failed`}\n`,
    );
    if (outcome.missing.length) io.err(`not in the archive: ${outcome.missing.join(', ')}\n`);
    if (outcome.undecodable.length) io.err(`${outcome.undecodable.length} archive record(s) could not be decoded\n`);
    return failed ? 1 : 0;
  },
};
