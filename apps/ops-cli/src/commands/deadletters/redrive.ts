import { redriveDeadLetters } from '@consign/operations';
import { Command, confirmation, dryRunOption, flag, previewTable, renderActingOn, UsageError, yesOption } from '../../command';
import { json, table } from '../../render';
import { deadLetterFilterOptions, deadLetterSelection } from './selection';

export const deadlettersRedrive: Command = {
  path: ['deadletters', 'redrive'],
  summary: 'send dead letters back to their original topic after a fix',
  usage:
    'deadletters redrive (<id>... | --all [--service <s> | --group <g>] [--category <c>] [--since <ISO>] [--limit <n>] [--yes]) [--dry-run] [--force]',
  details: `Publishes the original key, value and headers (without dlq.*, with redriven-from and
redriven-by) to the group's retry topic. Each dead letter is redriven once: a second
redrive is refused unless --force (Kafka cannot delete one record). With --all, shows the Kafka
cluster and what it is about to redrive, and asks first unless --yes. Exit 1 when any was refused.`,
  operands: { name: '<id>', description: 'a dead letter, as deadletters list names it', many: true, optional: true },
  options: {
    all: { type: 'boolean', description: 'every dead letter matching the filters below' },
    ...deadLetterFilterOptions,
    limit: { type: 'string', value: '<n>', description: 'the newest n matching, with --all', default: 'all matching' },
    ...dryRunOption('what would be redriven'),
    force: { type: 'boolean', description: 'redrive again those redriven before' },
    ...yesOption('redrive --all'),
  },
  async run(invocation) {
    const { values, positionals, json: asJson, context, io } = invocation;
    if (flag(values, 'all') === positionals.length > 0) throw new UsageError('name dead letters by id, or use --all with filters');
    const ask = flag(values, 'all') ? confirmation(invocation) : undefined;
    const actingOn = context.actingOn(['kafka']);
    const { results } = await redriveDeadLetters(
      {
        kafka: context.kafka,
        admin: await context.admin(),
        database: await context.database(),
        progress: context.progress,
        actor: context.actor,
        confirm:
          ask &&
          (async (plan) => {
            io.err(
              `${renderActingOn(actingOn)}Redrive ${plan.deadLetters.length} dead letter(s) to their groups' retry topics${plan.alreadyRedriven.length ? ` (${plan.alreadyRedriven.length} redriven before are skipped; --force to include them)` : ''}:\n${previewTable(
                ['id', 'group', 'category', 'code', 'original'],
                plan.deadLetters.map((entry) => [
                  entry.id,
                  entry.group,
                  entry.category,
                  entry.code,
                  `${entry.original.topic}:${entry.original.partition}:${entry.original.offset}`,
                ]),
              )}`,
            );
            return ask('Redrive them?');
          }),
      },
      {
        ids: positionals.length ? positionals : undefined,
        all: flag(values, 'all') ? deadLetterSelection(values) : undefined,
        dryRun: flag(values, 'dry-run'),
        force: flag(values, 'force'),
      },
    );
    const refused = results.filter((result) => result.status === 'already_redriven');
    if (asJson) io.out(json({ results, actingOn }));
    else {
      io.out(renderActingOn(actingOn));
      io.out(
        table(
          ['id', 'status', 'to'],
          results.map((result) => [
            result.id,
            result.status,
            result.redrivenTo
              ? `${result.redrivenTo.topic}:${result.redrivenTo.partition}:${result.redrivenTo.offset}`
              : `${result.original.topic}:${result.original.partition}`,
          ]),
        ),
      );
      if (refused.length) io.err(`${refused.length} already redriven before; add --force to redrive them again\n`);
    }
    return refused.length ? 1 : 0;
  },
};
