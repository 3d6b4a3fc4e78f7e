import { purgeDeadLetters } from '@consign/operations';
import { Command, flag, renderActingOn, required, service, text, time } from '../../command';
import { json, table } from '../../render';

export const deadlettersPurge: Command = {
  path: ['deadletters', 'purge'],
  summary: "delete a group's dead letters up to a point (with --yes)",
  usage: 'deadletters purge --group <g> [--before <offset|ISO>] --yes',
  details: 'Shows the Kafka cluster and the records per partition. Without --yes it only shows what would be purged and exits 1.',
  options: {
    group: { type: 'string', value: '<g>', description: 'the consumer group whose dead letters go (or --service)', default: 'none' },
    service: { type: 'string', value: '<s>', description: "the service whose default group's dead letters go", default: 'none' },
    before: {
      type: 'string',
      value: '<offset|ISO>',
      description: 'only those before this offset (on every partition) or time',
      default: 'everything',
    },
    yes: { type: 'boolean', description: 'purge; without it, only show what would be purged' },
  },
  async run({ values, json: asJson, context, io }) {
    const group = text(values, 'group') ?? (text(values, 'service') ? service(required(values, 'service')) : required(values, 'group'));
    const beforeText = text(values, 'before');
    const before =
      beforeText === undefined ? undefined : /^\d+$/.test(beforeText) ? { offset: beforeText } : { at: time(beforeText, 'before') as Date };
    const actingOn = context.actingOn(['kafka']);
    const plan = await purgeDeadLetters(
      { admin: await context.admin(), database: await context.database(), actor: context.actor },
      { group, before, confirmed: flag(values, 'yes') },
    );
    if (asJson) io.out(json({ ...plan, actingOn }));
    else {
      io.out(renderActingOn(actingOn));
      io.out(
        table(
          ['partition', 'from', 'up to', 'records'],
          plan.partitions.map((entry) => [entry.partition, entry.from, entry.upTo, entry.records]),
        ),
      );
      io.out(
        plan.applied
          ? `Purged ${plan.total} record(s) from ${plan.topic}.\n`
          : `Would purge ${plan.total} record(s) from ${plan.topic}; add --yes to purge.\n`,
      );
    }
    return plan.applied ? 0 : 1;
  },
};
