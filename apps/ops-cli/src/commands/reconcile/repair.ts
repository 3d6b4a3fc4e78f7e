import { repairReconciliation } from '@consign/operations';
import { Command, dryRunOption, flag, text, UsageError } from '../../command';
import { json, table } from '../../render';

export const reconcileRepair: Command = {
  path: ['reconcile', 'repair'],
  summary: 'publish corrective events for discrepancies of a run (reconciler)',
  usage: 'reconcile repair <run id> (--discrepancy <id>... | --kind <kind> | --all) [--dry-run]',
  details: `The owning services fix themselves from the events (source reconciler, the run id as
correlation id). --dry-run shows what would be published. Repairing twice publishes nothing new.`,
  operands: { name: '<run id>', description: 'the reconciliation run, as reconcile show names it' },
  options: {
    discrepancy: {
      type: 'string',
      value: '<id>',
      description: 'this discrepancy; repeat the option for more',
      default: 'none',
      multiple: true,
    },
    kind: { type: 'string', value: '<kind>', description: 'every discrepancy of this kind', default: 'none' },
    all: { type: 'boolean', description: 'every repairable discrepancy of the run' },
    ...dryRunOption('what would be published'),
  },
  async run({ values, positionals, json: asJson, context, io }) {
    const discrepancyIds = values.discrepancy as string[] | undefined;
    const choices = [discrepancyIds !== undefined, text(values, 'kind') !== undefined, flag(values, 'all')].filter(Boolean).length;
    if (choices !== 1) throw new UsageError('choose what to repair: --discrepancy <id>..., --kind <kind> or --all');
    const repair = await repairReconciliation(context.http, {
      runId: positionals[0],
      discrepancyIds,
      kind: text(values, 'kind'),
      all: flag(values, 'all'),
      dryRun: flag(values, 'dry-run'),
    });
    if (asJson) return (io.out(json(repair)), 0);
    io.out(`${repair.dryRun ? 'would publish' : 'published'}:\n`);
    io.out(
      table(
        ['discrepancy', 'kind', 'subject', 'events'],
        repair.repaired.map((item) => [
          item.discrepancyId,
          item.kind,
          item.subjectId,
          item.events.map((event) => event.eventType).join(', '),
        ]),
      ),
    );
    if (repair.skipped.length)
      io.out(
        table(
          ['skipped', 'kind', 'subject', 'reason'],
          repair.skipped.map((item) => [item.discrepancyId, item.kind, item.subjectId, item.reason]),
        ),
      );
    return 0;
  },
};
