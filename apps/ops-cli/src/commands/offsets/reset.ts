import { OffsetResetPlan, resetOffsets, ResetTarget, serviceOfGroup } from '@consign/operations';
import {
  Command,
  confirmation,
  dryRunOption,
  flag,
  renderActingOn,
  required,
  signedNumber,
  text,
  time,
  UsageError,
  wholeNumber,
  yesOption,
} from '../../command';
import { json, table } from '../../render';

function renderPlan(plan: OffsetResetPlan, actingOn: Record<string, string>): string {
  const clamped = plan.partitions.some((entry) => entry.clamped);
  return `${renderActingOn(actingOn)}Group ${plan.group} on ${plan.topic}, reset to ${plan.target}:\n${table(
    ['partition', 'committed', 'target', 'reprocess', 'skip', 'lag after', ...(clamped ? ['note'] : [])],
    plan.partitions.map((entry) => [
      entry.partition,
      entry.committed ?? 'none',
      entry.target,
      entry.toReprocess,
      entry.toSkip,
      entry.lagAfter,
      ...(clamped ? [entry.clamped ? `clamped to ${entry.clamped.to}: ${entry.clamped.wanted} is outside the log` : ''] : []),
    ]),
  )}Total: ${plan.totalToReprocess} record(s) to reprocess${plan.totalToSkip ? `, ${plan.totalToSkip} to skip` : ''}\n`;
}

export const offsetsReset: Command = {
  path: ['offsets', 'reset'],
  summary: "move a consumer group's offsets on a topic (to replay or skip)",
  usage:
    'offsets reset --group <g> --topic <t> (--to-earliest | --to-latest | --to-offset <n> | --shift-by <n> | --to-datetime <ISO>) [--partition <p>] [--dry-run] [--stop-members [--service <s>] | --wait <seconds>] [--yes]',
  details: `Shows the Kafka cluster and the plan per partition (committed, target, records to reprocess or
skip; an offset outside the retained log is clamped to its nearest end, and the plan says so).
--shift-by needs a committed offset on each partition it moves, as Kafka's tool does. Refuses while the
group has members unless --wait (poll until they leave) or --stop-members (POST
/admin/consumer/stop on the group's service, default: the service named like the group; started
again afterwards). Same result as kafka-consumer-groups --reset-offsets. Asks before applying
unless --yes.`,
  options: {
    group: { type: 'string', value: '<g>', description: 'the consumer group whose offsets move', required: true },
    topic: { type: 'string', value: '<t>', description: 'the topic they move on', required: true },
    'to-earliest': { type: 'boolean', description: 'to the start of the retained log: reprocess all it holds' },
    'to-latest': { type: 'boolean', description: 'to the end of the log: skip all not consumed yet' },
    'to-offset': { type: 'string', value: '<n>', description: 'to this offset, clamped into the retained log', default: 'none' },
    'shift-by': {
      type: 'string',
      value: '<n>',
      description: 'by n from the committed offset, negative to move back, clamped into the retained log',
      default: 'none',
    },
    'to-datetime': {
      type: 'string',
      value: '<ISO>',
      description: 'to the first record at or after this time, else the log end',
      default: 'none',
    },
    partition: {
      type: 'string',
      value: '<p>',
      description: 'only this partition, with --to-offset or --shift-by',
      default: 'every partition',
    },
    ...dryRunOption('the plan'),
    'stop-members': {
      type: 'boolean',
      description: "stop the group's service for the reset (POST /admin/consumer/stop), start it again after",
    },
    service: {
      type: 'string',
      value: '<s>',
      description: 'the service whose consumer the group is, for --stop-members',
      default: 'the service named like the group',
    },
    wait: {
      type: 'string',
      value: '<seconds>',
      description: "wait this long for the group's members to leave",
      default: 'refuse at once; 60 with --stop-members',
    },
    ...yesOption('apply the reset'),
  },
  async run(invocation) {
    const { values, json: asJson, context, io } = invocation;
    const chosen = ['to-earliest', 'to-latest', 'to-offset', 'shift-by', 'to-datetime'].filter((name) => values[name] !== undefined);
    if (chosen.length !== 1)
      throw new UsageError('give exactly one of --to-earliest, --to-latest, --to-offset <n>, --shift-by <n>, --to-datetime <ISO>');
    const partition = wholeNumber(text(values, 'partition'), 'partition');
    if (partition !== undefined && values['to-offset'] === undefined && values['shift-by'] === undefined)
      throw new UsageError('--partition goes with --to-offset or --shift-by');
    const onPartition = partition === undefined ? {} : { partition };
    const target: ResetTarget = values['to-earliest']
      ? { kind: 'earliest' }
      : values['to-latest']
        ? { kind: 'latest' }
        : values['to-offset'] !== undefined
          ? { kind: 'offset', offset: String(wholeNumber(text(values, 'to-offset'), 'to-offset')), ...onPartition }
          : values['shift-by'] !== undefined
            ? { kind: 'shift', by: signedNumber(required(values, 'shift-by'), 'shift-by'), ...onPartition }
            : { kind: 'datetime', at: time(text(values, 'to-datetime'), 'to-datetime') as Date };
    const group = required(values, 'group');
    if (flag(values, 'stop-members') && flag(values, 'dry-run')) throw new UsageError('--stop-members does nothing in a dry run');
    const ask = confirmation(invocation);
    const stopMembersOf = flag(values, 'stop-members') ? serviceOfGroup(group, text(values, 'service')) : undefined;
    const actingOn = context.actingOn(stopMembersOf ? ['kafka', stopMembersOf] : ['kafka']);
    const outcome = await resetOffsets(
      {
        kafka: context.kafka,
        admin: await context.admin(),
        database: await context.database(),
        http: context.http,
        actor: context.actor,
        confirm: ask && (async (plan) => (io.err(renderPlan(plan, actingOn)), ask('Apply this reset?'))),
      },
      {
        group,
        topic: required(values, 'topic'),
        target,
        dryRun: flag(values, 'dry-run'),
        waitSeconds: wholeNumber(text(values, 'wait'), 'wait'),
        stopMembersOf,
      },
    );
    if (asJson) return (io.out(json({ ...outcome, actingOn })), 0);
    io.out(renderPlan(outcome.plan, actingOn));
    io.out(
      outcome.applied
        ? `Applied${outcome.stoppedService ? ` (${outcome.stoppedService} stopped and started again)` : ''}.\n`
        : 'Dry run: nothing changed.\n',
    );
    return 0;
  },
};
