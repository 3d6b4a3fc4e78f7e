import { topics } from '@consign/contracts';
import { ReplayTarget, runBulkReplay } from '@consign/operations';
import { Command, confirmation, dryRunOption, flag, previewTable, renderActingOn, text, UsageError, yesOption } from '../../command';
import { json, table } from '../../render';
import { historyFilterOptions, historySearch, renderReplayJobs } from './history-filters';

export const deliveriesReplay: Command = {
  path: ['deliveries', 'replay'],
  summary: 'replay every archived delivery a history search matches, throttled and resumable',
  usage: 'deliveries replay (<filters of deliveries list> [--rate <n>] | --resume <job id>) [--dry-run] [--yes]',
  details: `Searches the delivery history with the filters of deliveries list, then asks the gateway to
replay each archived delivery found (POST /admin/webhooks/replay), oldest first, at most --rate per
second. Refused deliveries and repeats were never archived and are listed as not replayable. The
job is stored in the operations database with how far it got after every batch: after an
interruption, --resume <job id> goes on from there (deliveries jobs lists them). Shows the plan and
asks first unless --yes. Exit 1 when any delivery failed.`,
  options: {
    ...historyFilterOptions,
    rate: { type: 'string', value: '<n>', description: 'deliveries replayed per second at most', default: '10' },
    resume: {
      type: 'string',
      value: '<job id>',
      description: 'go on with an interrupted replay job, where it stopped',
      default: 'a new job',
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
    const resume = text(values, 'resume');
    const filtered = Object.keys(historyFilterOptions).some((name) => values[name] !== undefined);
    if (resume !== undefined && (filtered || values.rate !== undefined || flag(values, 'dry-run')))
      throw new UsageError('--resume goes on with the job as it was planned: give no filters, --rate or --dry-run with it');
    if (resume === undefined && !filtered)
      throw new UsageError(
        'give at least one filter (--from, --subject, --outcome ...): a replay of the whole history is never what is meant',
      );
    const rate = Number(text(values, 'rate') ?? '10');
    if (!(rate > 0) || !/^\d+(\.\d+)?$/.test(text(values, 'rate') ?? '10'))
      throw new UsageError(`--rate must be a number of deliveries per second above 0, got "${text(values, 'rate')}"`);
    const ask = confirmation(invocation);
    const actingOn = context.actingOn(['gateway']);
    const header = ['received', 'source', 'delivery id', 'topic', 'tenant', 'archived at'];
    const rows = (targets: ReplayTarget[]) =>
      targets.map((target) => [
        target.receivedAt,
        target.source,
        target.deliveryId,
        target.topic,
        target.tenantId,
        `${target.partition}:${target.offset}`,
      ]);
    const outcome = await runBulkReplay(
      {
        http: context.http,
        database: await context.database(),
        actor: context.actor,
        progress: context.progress,
        confirm:
          ask &&
          (async ({ job, targets, notReplayable }) => {
            io.err(
              `${renderActingOn(actingOn)}Replay job ${job.id}: ${targets.length} archived delivery(ies) through the gateway at ${job.ratePerSecond}/s${notReplayable.length ? `, ${notReplayable.length} matched but not replayable` : ''}:\n${previewTable(header, rows(targets))}`,
            );
            return ask('Replay them?');
          }),
        onJobStarted: (job) => io.err(`replay job ${job.id} started: after an interruption, --resume ${job.id}\n`),
      },
      resume !== undefined
        ? { resumeJobId: resume }
        : {
            search: historySearch(values),
            ratePerSecond: rate,
            dryRun: flag(values, 'dry-run'),
            archiveTopic: text(values, 'archive-topic'),
          },
    );
    const failed = outcome.job.failed > 0;
    if (asJson) return (io.out(json({ ...outcome, actingOn })), failed ? 1 : 0);
    io.out(renderActingOn(actingOn));
    if (flag(values, 'dry-run')) io.out(table(header, rows(outcome.targets)));
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
    if (outcome.notReplayable.length)
      io.out(
        table(
          ['not replayable', 'outcome', 'why'],
          outcome.notReplayable.map((entry) => [entry.deliveryId, entry.outcome, entry.reason]),
        ),
      );
    io.out(
      flag(values, 'dry-run')
        ? `${outcome.targets.length} would be replayed; dry run: nothing replayed\n`
        : renderReplayJobs([outcome.job]),
    );
    return failed ? 1 : 0;
  },
};
