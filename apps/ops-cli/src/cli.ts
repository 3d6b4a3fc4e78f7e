import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, isDevelopment, loadConfig } from '@consign/config';
import { topics } from '@consign/contracts';
import { tenantOfRecord, tenantSecretsKeysSetting, tenantsSetting } from '@consign/tenants';
import {
  addTenant,
  ListedTenant,
  listTenants,
  readTenantStore,
  removeTenantFromStore,
  rotateTenantSecret,
  TenantCommandDependencies,
  DeadLetterSelection,
  deliveryStatus,
  forceProcessing,
  searchDeliveryHistory,
  HistorySearch,
  BulkReplayJob,
  ReplayTarget,
  listBulkReplayJobs,
  runBulkReplay,
  isPlatformService,
  listDeadLetters,
  listOperatorActions,
  OffsetResetPlan,
  parsePosition,
  PlatformService,
  publishCorrection,
  purgeDeadLetters,
  redriveDeadLetters,
  ReplayDelivery,
  replayWebhooks,
  resetOffsets,
  ResetTarget,
  serviceOfGroup,
  showDeadLetter,
  WebhookSelection,
  prepareTestDelivery,
  sendTestDelivery,
  findReconciliation,
  listReconciliations,
  repairReconciliation,
  startReconciliation,
} from '@consign/operations';
import { CommandOptionTypes } from './console/console-commands';
import { startConsole } from './console/console-server';
import { loadConsoleSettings } from './console/console-settings';
import { CliIo, CommandContext, operatorIdentity } from './context';
import { fields, indent, json, table } from './render';

/** A command's option: its definition both parses the command line and writes the command's help. */
type OptionDefinition =
  | { type: 'boolean'; description: string }
  | ({
      type: 'string';
      /** The value's placeholder in help: `<g>`. */
      value: string;
      description: string;
      /** Given several times, each value kept. */
      multiple?: boolean;
      /** The words after its value are more values: `--delivery-id A B`. */
      variadic?: boolean;
    } & ({ /** What holds without the option, as help says it. */ default: string; required?: never } | { required: true; default?: never }));
type OptionSpec = Record<string, OptionDefinition>;
type Values = Record<string, string | boolean | string[] | undefined>;

/** The words after a command that are not options: none unless a command names them. */
interface Operands {
  name: string;
  description: string;
  /** Several may be given (`<id>...`). */
  many?: boolean;
  /** None may be given. */
  optional?: boolean;
}

interface Invocation {
  command: Command;
  values: Values;
  positionals: string[];
  json: boolean;
  context: CommandContext;
  io: CliIo;
}

interface Command {
  path: string[];
  summary: string;
  usage: string;
  details: string;
  operands?: Operands;
  options: OptionSpec;
  run(invocation: Invocation): Promise<number>;
}

/** A mistake in the command line itself: exit 2 with a pointer to the help. */
class UsageError extends Error {}

const globalOptions: OptionSpec = {
  json: { type: 'boolean', description: 'machine-readable output on stdout (progress and messages stay off it)' },
  as: { type: 'string', value: '<name>', description: 'who you are for the audit log', default: '$OPERATOR, else your login name' },
  'api-key': { type: 'string', value: '<key>', description: 'key for the admin endpoints', default: '$OPS_API_KEY; dev-admin-key in development' },
  help: { type: 'boolean', description: 'this help' },
};

const text = (values: Values, name: string): string | undefined => values[name] as string | undefined;
const flag = (values: Values, name: string): boolean => values[name] === true;

function required(values: Values, name: string): string {
  const value = text(values, name);
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

function time(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value)) throw new UsageError(`--${name} must be an ISO 8601 time such as 2025-01-31T12:00:00Z, got "${value}"`);
  return parsed;
}

function wholeNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, got "${value}"`);
  return Number(value);
}

function signedNumber(value: string, name: string): string {
  if (!/^-?\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, negative to move back, got "${value}"`);
  return value;
}

function service(value: string, name = 'service'): PlatformService {
  if (!isPlatformService(value)) throw new UsageError(`--${name} must be one of inventory-service, earnings-service, consignor-service, notification-service, got "${value}"`);
  return value;
}

/** The endpoints a plan acts on, named before it: a plan against the wrong cluster must read as such. */
function renderActingOn(actingOn: Record<string, string>): string {
  return fields(Object.entries(actingOn).map(([endpoint, at]) => [endpoint === 'kafka' ? 'Kafka cluster' : endpoint, at]));
}

/** The first rows of a long list, for a question: the whole list is one --dry-run away. */
function previewTable(header: string[], rows: Array<Array<string | number | null | undefined>>, shown = 20): string {
  return `${table(header, rows.slice(0, shown))}${rows.length > shown ? `… and ${rows.length - shown} more (--dry-run lists them all)\n` : ''}`;
}

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

function deadLetterSelection(values: Values): DeadLetterSelection {
  const group = text(values, 'group') ?? (text(values, 'service') === undefined ? undefined : service(required(values, 'service')));
  if (text(values, 'group') && text(values, 'service')) throw new UsageError('give --service or --group, not both');
  return { group, category: text(values, 'category'), since: time(text(values, 'since'), 'since'), limit: wholeNumber(text(values, 'limit'), 'limit') };
}

/** What the tenants commands share: the tenant store (`--tenants-topic` for tests), TENANT_SECRETS_KEYS, the audit log. */
async function tenantCommandDependencies(values: Values, context: CommandContext, io: CliIo): Promise<TenantCommandDependencies> {
  const { keys } = loadConfig({ keys: tenantSecretsKeysSetting(io.env) }, io.env);
  const topicName = text(values, 'tenants-topic');
  return {
    store: { kafka: context.kafka, admin: await context.admin(), codec: context.codec, topic: topicName ? { ...topics.tenants, name: topicName } : undefined },
    database: await context.database(),
    actor: context.actor,
    keys,
    development: isDevelopment(io.env),
  };
}

function renderTenants(tenants: ListedTenant[]): string {
  return table(
    ['id', 'shop', 'clerk instances', 'currency', 'commission', 'tag prefix', 'shopify secrets', 'clerk secrets', 'key', 'changed'],
    tenants.map((tenant) => [
      tenant.id,
      tenant.shopDomain,
      tenant.clerkInstanceIds.join(' '),
      tenant.currency,
      `${tenant.defaultCommissionRateBasisPoints / 100} %`,
      tenant.consignorTagPrefix,
      tenant.shopifySecretFingerprints.join(' '),
      tenant.clerkSecretFingerprints.join(' '),
      tenant.secretsKeyId,
      tenant.changedAt,
    ]),
  );
}

/**
 * A destructive step goes ahead with --yes, or once the operator says so; a dry run changes nothing
 * and asks nothing; with nobody to ask it is refused.
 */
function confirmation({ command, values, io }: Pick<Invocation, 'command' | 'values' | 'io'>): ((question: string) => Promise<boolean>) | undefined {
  if (flag(values, 'yes') || flag(values, 'dry-run')) return undefined;
  if (!io.ask) throw new UsageError(`nobody can confirm here: add --yes${command.options['dry-run'] ? ' to go ahead, or --dry-run to see the plan' : ''}`);
  return io.ask;
}

const yesOption = (what: string): OptionSpec => ({ yes: { type: 'boolean', description: `${what} without asking` } });
const dryRunOption = (what: string): OptionSpec => ({ 'dry-run': { type: 'boolean', description: `show ${what}, change nothing` } });
const positionOperand = (what: string): Operands => ({ name: '<topic>:<partition>:<offset>', description: what });
const deadLetterFilterOptions: OptionSpec = {
  service: { type: 'string', value: '<s>', description: "one service's dead letters (those of its default group)", default: 'every group' },
  group: { type: 'string', value: '<g>', description: "one consumer group's dead letters", default: 'every group' },
  category: { type: 'string', value: '<c>', description: 'only this category: transient, invalid, poison, dependency or unauthorized', default: 'every category' },
  since: { type: 'string', value: '<ISO>', description: 'only those dead-lettered at or after this time', default: 'all the topic holds' },
};

/** The delivery history's filters, for listing and for replaying what they match. */
const historyFilterOptions: OptionSpec = {
  from: { type: 'string', value: '<ISO>', description: 'received at or after this time', default: 'the start of the history' },
  to: { type: 'string', value: '<ISO>', description: 'received before this time', default: 'now' },
  source: { type: 'string', value: 'shopify|clerk', description: 'only this sender', default: 'both' },
  tenant: { type: 'string', value: '<id>', description: "only this tenant's deliveries", default: 'every tenant' },
  topic: { type: 'string', value: '<t>', description: 'only this topic or event type (orders/create, user.created)', default: 'every topic' },
  outcome: { type: 'string', value: '<o>', description: 'only published, spooled, duplicate or rejected', default: 'every outcome' },
  reason: { type: 'string', value: '<code>', description: 'only refusals with this code (shopify.signature_invalid, say), with --outcome rejected', default: 'every reason' },
  subject: { type: 'string', value: '<id>', description: 'only deliveries about this order, product, inventory item or Clerk user', default: 'every subject' },
  'delivery-id': { type: 'string', value: '<id>', description: 'only this X-Shopify-Webhook-Id or svix-id', default: 'every delivery' },
};

function historySearch(values: Values): HistorySearch {
  return {
    from: time(text(values, 'from'), 'from'),
    to: time(text(values, 'to'), 'to'),
    source: text(values, 'source'),
    tenant: text(values, 'tenant'),
    topic: text(values, 'topic'),
    outcome: text(values, 'outcome'),
    reason: text(values, 'reason'),
    subject: text(values, 'subject'),
    deliveryId: text(values, 'delivery-id'),
  };
}

function renderReplayJobs(jobs: BulkReplayJob[]): string {
  return table(
    ['job', 'started', 'actor', 'status', 'done', 'replayed', 'failed', 'rate/s', 'search', 'last error'],
    jobs.map((job) => [job.id, job.createdAt, job.actor, job.status, `${job.nextIndex}/${job.total}`, job.replayed, job.failed, job.ratePerSecond, JSON.stringify(job.search).slice(0, 60), job.lastError?.slice(0, 60)]),
  );
}

const tenantsTopicOption: OptionSpec = { 'tenants-topic': { type: 'string', value: '<topic>', description: 'the tenant store, another topic for tests', default: topics.tenants.name } };

const commands: Command[] = [
  {
    path: ['status'],
    summary: 'the path of a delivery or an order: received, published, processed, dead-lettered',
    usage: 'status <delivery-id|order-id>',
    details: `Asks the gateway (GET /admin/deliveries/:id, else ?subjectId=<order id>), then Kafka: which
consumer groups committed past each published record, and which dead-lettered it and why.`,
    operands: { name: '<delivery-id|order-id>', description: 'a delivery id (X-Shopify-Webhook-Id or svix-id) or an order id' },
    options: {},
    async run({ positionals, json: asJson, context, io }) {
      const report = await deliveryStatus({ http: context.http, kafka: context.kafka, admin: await context.admin(), progress: context.progress }, positionals[0]);
      if (asJson) return io.out(json(report)), 0;
      for (const { delivery, records } of report.deliveries) {
        io.out(
          fields([
            ['delivery', `${delivery.source} ${delivery.deliveryId} (${delivery.topic}, tenant ${delivery.tenantId})`],
            ['received', delivery.receivedAt],
            ['verified', delivery.verifiedAt],
            ['status', delivery.status + (delivery.duplicateOf ? ` of ${delivery.duplicateOf}` : '') + (delivery.attempts > 1 ? ` after ${delivery.attempts} attempts` : '')],
            ['event id', delivery.eventId],
            ['published', delivery.publishedAt],
          ]),
        );
        if (delivery.status === 'spooled') io.out('  still in the gateway spool: not on Kafka yet\n');
        for (const { record, consumers, deadLetters } of records) {
          io.out(`  record ${record.topic}:${record.partition}:${record.offset}\n`);
          io.out(indent(table(['group', 'committed', 'processed'], consumers.map((consumer) => [consumer.group, consumer.committed ?? 'none', consumer.processed ? 'yes' : 'no'])), 4));
          for (const deadLetter of deadLetters) {
            io.out(`    dead-lettered by ${deadLetter.group} at ${deadLetter.id}: ${deadLetter.category}/${deadLetter.code} after ${deadLetter.attempts} attempt(s): ${deadLetter.message}\n`);
          }
        }
        io.out('\n');
      }
      return 0;
    },
  },
  {
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
      const page = await searchDeliveryHistory(context.http, { ...historySearch(values), limit: wholeNumber(text(values, 'limit'), 'limit'), cursor: text(values, 'cursor') });
      if (asJson) return io.out(json(page)), 0;
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
      io.out(page.nextCursor ? `${page.deliveries.length} shown; older ones: --cursor ${page.nextCursor}\n` : `${page.deliveries.length} shown; no older ones match\n`);
      return 0;
    },
  },
  {
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
      resume: { type: 'string', value: '<job id>', description: 'go on with an interrupted replay job, where it stopped', default: 'a new job' },
      ...dryRunOption('what would be replayed'),
      'archive-topic': { type: 'string', value: '<topic>', description: 'the raw archive, another topic for tests', default: topics.webhooksRaw.name },
      ...yesOption('replay'),
    },
    async run(invocation) {
      const { values, json: asJson, context, io } = invocation;
      const resume = text(values, 'resume');
      const filtered = Object.keys(historyFilterOptions).some((name) => values[name] !== undefined);
      if (resume !== undefined && (filtered || values.rate !== undefined || flag(values, 'dry-run'))) throw new UsageError('--resume goes on with the job as it was planned: give no filters, --rate or --dry-run with it');
      if (resume === undefined && !filtered) throw new UsageError('give at least one filter (--from, --subject, --outcome ...): a replay of the whole history is never what is meant');
      const rate = Number(text(values, 'rate') ?? '10');
      if (!(rate > 0) || !/^\d+(\.\d+)?$/.test(text(values, 'rate') ?? '10')) throw new UsageError(`--rate must be a number of deliveries per second above 0, got "${text(values, 'rate')}"`);
      const ask = confirmation(invocation);
      const actingOn = context.actingOn(['gateway']);
      const header = ['received', 'source', 'delivery id', 'topic', 'tenant', 'archived at'];
      const rows = (targets: ReplayTarget[]) => targets.map((target) => [target.receivedAt, target.source, target.deliveryId, target.topic, target.tenantId, `${target.partition}:${target.offset}`]);
      const outcome = await runBulkReplay(
        {
          http: context.http,
          database: await context.database(),
          actor: context.actor,
          progress: context.progress,
          confirm: ask && (async ({ job, targets, notReplayable }) => {
            io.err(`${renderActingOn(actingOn)}Replay job ${job.id}: ${targets.length} archived delivery(ies) through the gateway at ${job.ratePerSecond}/s${notReplayable.length ? `, ${notReplayable.length} matched but not replayable` : ''}:\n${previewTable(header, rows(targets))}`);
            return ask('Replay them?');
          }),
          onJobStarted: (job) => io.err(`replay job ${job.id} started: after an interruption, --resume ${job.id}\n`),
        },
        resume !== undefined ? { resumeJobId: resume } : { search: historySearch(values), ratePerSecond: rate, dryRun: flag(values, 'dry-run'), archiveTopic: text(values, 'archive-topic') },
      );
      const failed = outcome.job.failed > 0;
      if (asJson) return io.out(json({ ...outcome, actingOn })), failed ? 1 : 0;
      io.out(renderActingOn(actingOn));
      if (flag(values, 'dry-run')) io.out(table(header, rows(outcome.targets)));
      else io.out(table(['delivery id', 'status', 'events', 'error'], outcome.results.map((result) => [result.deliveryId ?? `(archive ${result.archivedAt.partition}:${result.archivedAt.offset})`, result.status, result.publishedTo.map((record) => `${record.topic}:${record.partition}:${record.offset}`).join(' '), result.error])));
      if (outcome.notReplayable.length) io.out(table(['not replayable', 'outcome', 'why'], outcome.notReplayable.map((entry) => [entry.deliveryId, entry.outcome, entry.reason])));
      io.out(flag(values, 'dry-run') ? `${outcome.targets.length} would be replayed; dry run: nothing replayed\n` : renderReplayJobs([outcome.job]));
      return failed ? 1 : 0;
    },
  },
  {
    path: ['deliveries', 'jobs'],
    summary: 'the bulk replay jobs, newest first: how far each got, and how it ended',
    usage: 'deliveries jobs [--limit <n>]',
    details: 'From the operations database. A job left interrupted or running goes on with deliveries replay --resume <job id>.',
    options: { limit: { type: 'string', value: '<n>', description: 'the newest n', default: '20' } },
    async run({ values, json: asJson, context, io }) {
      const jobs = await listBulkReplayJobs(await context.database(), wholeNumber(text(values, 'limit'), 'limit'));
      if (asJson) return io.out(json({ jobs })), 0;
      io.out(renderReplayJobs(jobs));
      return 0;
    },
  },
  {
    path: ['offsets', 'reset'],
    summary: "move a consumer group's offsets on a topic (to replay or skip)",
    usage: 'offsets reset --group <g> --topic <t> (--to-earliest | --to-latest | --to-offset <n> | --shift-by <n> | --to-datetime <ISO>) [--partition <p>] [--dry-run] [--stop-members [--service <s>] | --wait <seconds>] [--yes]',
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
      'shift-by': { type: 'string', value: '<n>', description: 'by n from the committed offset, negative to move back, clamped into the retained log', default: 'none' },
      'to-datetime': { type: 'string', value: '<ISO>', description: 'to the first record at or after this time, else the log end', default: 'none' },
      partition: { type: 'string', value: '<p>', description: 'only this partition, with --to-offset or --shift-by', default: 'every partition' },
      ...dryRunOption('the plan'),
      'stop-members': { type: 'boolean', description: "stop the group's service for the reset (POST /admin/consumer/stop), start it again after" },
      service: { type: 'string', value: '<s>', description: 'the service whose consumer the group is, for --stop-members', default: 'the service named like the group' },
      wait: { type: 'string', value: '<seconds>', description: "wait this long for the group's members to leave", default: 'refuse at once; 60 with --stop-members' },
      ...yesOption('apply the reset'),
    },
    async run(invocation) {
      const { values, json: asJson, context, io } = invocation;
      const chosen = ['to-earliest', 'to-latest', 'to-offset', 'shift-by', 'to-datetime'].filter((name) => values[name] !== undefined);
      if (chosen.length !== 1) throw new UsageError('give exactly one of --to-earliest, --to-latest, --to-offset <n>, --shift-by <n>, --to-datetime <ISO>');
      const partition = wholeNumber(text(values, 'partition'), 'partition');
      if (partition !== undefined && values['to-offset'] === undefined && values['shift-by'] === undefined) throw new UsageError('--partition goes with --to-offset or --shift-by');
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
        { group, topic: required(values, 'topic'), target, dryRun: flag(values, 'dry-run'), waitSeconds: wholeNumber(text(values, 'wait'), 'wait'), stopMembersOf },
      );
      if (asJson) return io.out(json({ ...outcome, actingOn })), 0;
      io.out(renderPlan(outcome.plan, actingOn));
      io.out(outcome.applied ? `Applied${outcome.stoppedService ? ` (${outcome.stoppedService} stopped and started again)` : ''}.\n` : 'Dry run: nothing changed.\n');
      return 0;
    },
  },
  {
    path: ['deadletters', 'list'],
    summary: 'dead letters by service or group, category and time',
    usage: 'deadletters list [--service <s> | --group <g>] [--category <c>] [--since <ISO>] [--limit <n>]',
    details: 'The newest --limit (100) matching dead letters, oldest first, with whether they were redriven.',
    options: { ...deadLetterFilterOptions, limit: { type: 'string', value: '<n>', description: 'the newest n matching', default: '100' } },
    async run({ values, json: asJson, context, io }) {
      const listed = await listDeadLetters({ kafka: context.kafka, admin: await context.admin(), database: await context.database(), progress: context.progress }, deadLetterSelection(values));
      if (asJson) return io.out(json(listed)), 0;
      io.out(
        table(
          ['id', 'dead-lettered at', 'group', 'category', 'code', 'attempts', 'original', 'redriven', 'message'],
          listed.deadLetters.map((entry) => [entry.id, entry.deadLetteredAt, entry.group, entry.category, entry.code, entry.attempts, `${entry.original.topic}:${entry.original.partition}:${entry.original.offset}`, entry.redrives.length ? `${entry.redrives.length}x` : 'no', entry.message.slice(0, 80)]),
        ),
      );
      io.out(`${listed.deadLetters.length} shown of ${listed.matched} matching (${listed.scanned} read)\n`);
      return 0;
    },
  },
  {
    path: ['deadletters', 'show'],
    summary: 'one dead letter: decoded payload, reason, attempts, original position, headers',
    usage: 'deadletters show <topic>:<partition>:<offset>',
    details: 'Poison bytes (not a decodable event) are shown as a hex and base64 preview.',
    operands: positionOperand('the dead letter, as deadletters list names it'),
    options: {},
    async run({ positionals, json: asJson, context, io }) {
      const shown = await showDeadLetter({ kafka: context.kafka, admin: await context.admin(), codec: context.codec, database: await context.database() }, positionals[0]);
      if (asJson) return io.out(json(shown)), 0;
      io.out(
        fields([
          ['id', shown.id],
          ['dead-lettered at', shown.deadLetteredAt],
          ['group', shown.group],
          ['reason', `${shown.category}/${shown.code}: ${shown.message}`],
          ['attempts', `${shown.attempts} (first ${shown.firstFailureAt ?? '-'}, last ${shown.lastFailureAt ?? '-'})`],
          ['original', `${shown.original.topic}:${shown.original.partition}:${shown.original.offset}`],
          ['event type', shown.eventType],
          ['key', shown.key],
          ['redriven', shown.redrives.map((redrive) => `${redrive.redrivenAt.toISOString()} by ${redrive.redrivenBy} to offset ${redrive.redrivenTo.offset}`).join('; ') || 'no'],
        ]),
      );
      io.out(`headers:\n${indent(json(shown.headers))}`);
      if (shown.payload.decoded) io.out(`payload (schema ${shown.payload.schemaId}):\n${indent(json(shown.payload.value))}`);
      else io.out(`payload not decodable (${shown.payload.error}); ${shown.payload.preview.size} bytes${shown.payload.preview.truncated ? ', first 64' : ''}:\n  hex    ${shown.payload.preview.hex}\n  base64 ${shown.payload.preview.base64}\n`);
      return 0;
    },
  },
  {
    path: ['deadletters', 'redrive'],
    summary: 'send dead letters back to their original topic after a fix',
    usage: 'deadletters redrive (<id>... | --all [--service <s> | --group <g>] [--category <c>] [--since <ISO>] [--limit <n>] [--yes]) [--dry-run] [--force]',
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
                  plan.deadLetters.map((entry) => [entry.id, entry.group, entry.category, entry.code, `${entry.original.topic}:${entry.original.partition}:${entry.original.offset}`]),
                )}`,
              );
              return ask('Redrive them?');
            }),
        },
        { ids: positionals.length ? positionals : undefined, all: flag(values, 'all') ? deadLetterSelection(values) : undefined, dryRun: flag(values, 'dry-run'), force: flag(values, 'force') },
      );
      const refused = results.filter((result) => result.status === 'already_redriven');
      if (asJson) io.out(json({ results, actingOn }));
      else {
        io.out(renderActingOn(actingOn));
        io.out(table(['id', 'status', 'to'], results.map((result) => [result.id, result.status, result.redrivenTo ? `${result.redrivenTo.topic}:${result.redrivenTo.partition}:${result.redrivenTo.offset}` : `${result.original.topic}:${result.original.partition}`])));
        if (refused.length) io.err(`${refused.length} already redriven before; add --force to redrive them again\n`);
      }
      return refused.length ? 1 : 0;
    },
  },
  {
    path: ['deadletters', 'purge'],
    summary: "delete a group's dead letters up to a point (with --yes)",
    usage: 'deadletters purge --group <g> [--before <offset|ISO>] --yes',
    details: 'Shows the Kafka cluster and the records per partition. Without --yes it only shows what would be purged and exits 1.',
    options: {
      group: { type: 'string', value: '<g>', description: 'the consumer group whose dead letters go (or --service)', default: 'none' },
      service: { type: 'string', value: '<s>', description: "the service whose default group's dead letters go", default: 'none' },
      before: { type: 'string', value: '<offset|ISO>', description: 'only those before this offset (on every partition) or time', default: 'everything' },
      yes: { type: 'boolean', description: 'purge; without it, only show what would be purged' },
    },
    async run({ values, json: asJson, context, io }) {
      const group = text(values, 'group') ?? (text(values, 'service') ? service(required(values, 'service')) : required(values, 'group'));
      const beforeText = text(values, 'before');
      const before = beforeText === undefined ? undefined : /^\d+$/.test(beforeText) ? { offset: beforeText } : { at: time(beforeText, 'before') as Date };
      const actingOn = context.actingOn(['kafka']);
      const plan = await purgeDeadLetters({ admin: await context.admin(), database: await context.database(), actor: context.actor }, { group, before, confirmed: flag(values, 'yes') });
      if (asJson) io.out(json({ ...plan, actingOn }));
      else {
        io.out(renderActingOn(actingOn));
        io.out(table(['partition', 'from', 'up to', 'records'], plan.partitions.map((entry) => [entry.partition, entry.from, entry.upTo, entry.records])));
        io.out(plan.applied ? `Purged ${plan.total} record(s) from ${plan.topic}.\n` : `Would purge ${plan.total} record(s) from ${plan.topic}; add --yes to purge.\n`);
      }
      return plan.applied ? 0 : 1;
    },
  },
  {
    path: ['webhooks', 'replay'],
    summary: 'replay archived raw webhooks through the gateway mapping path',
    usage: 'webhooks replay (--delivery-id <id>... | --from <ISO> --to <ISO> [--source shopify|clerk] [--topic orders/create]) [--dry-run] [--yes]',
    details: `Reads webhooks.raw.v1 (by time with the broker's time index), then asks the gateway to replay
each by its place in the archive (POST /admin/webhooks/replay): the gateway reads the bodies there
itself. Shows the Kafka cluster, the gateway and what it found, and asks first unless --yes.
Exit 1 when any delivery failed or an id is not archived.`,
    options: {
      'delivery-id': { type: 'string', value: '<id>...', description: 'these deliveries: --delivery-id A B, or the option repeated', default: 'none', multiple: true, variadic: true },
      from: { type: 'string', value: '<ISO>', description: 'the deliveries received from this time on, with --to', default: 'none' },
      to: { type: 'string', value: '<ISO>', description: 'and before this time', default: 'none' },
      source: { type: 'string', value: 'shopify|clerk', description: 'only those of this sender', default: 'both' },
      topic: { type: 'string', value: '<topic>', description: 'only those of this webhook topic, such as orders/create', default: 'every topic' },
      ...dryRunOption('what would be replayed'),
      'archive-topic': { type: 'string', value: '<topic>', description: 'the raw archive, another topic for tests', default: topics.webhooksRaw.name },
      ...yesOption('replay'),
    },
    async run(invocation) {
      const { values, json: asJson, context, io } = invocation;
      const ids = (values['delivery-id'] as string[] | undefined) ?? [];
      const source = text(values, 'source');
      if (source !== undefined && source !== 'shopify' && source !== 'clerk') throw new UsageError(`--source must be shopify or clerk, got "${source}"`);
      let selection: WebhookSelection;
      if (ids.length > 0) {
        if (values.from || values.to || source || values.topic) throw new UsageError('--delivery-id cannot be combined with --from/--to/--source/--topic');
        selection = { deliveryIds: ids };
      } else {
        const from = time(required(values, 'from'), 'from') as Date;
        const to = time(required(values, 'to'), 'to') as Date;
        if (to <= from) throw new UsageError('--to must be after --from');
        selection = { from, to, source, topic: text(values, 'topic') };
      }
      const ask = confirmation(invocation);
      const actingOn = context.actingOn(['kafka', 'gateway']);
      const deliveryRows = (deliveries: Array<Pick<ReplayDelivery, 'receivedAt' | 'source' | 'deliveryId' | 'topic' | 'tenantId'>>) => deliveries.map((entry) => [entry.receivedAt, entry.source, entry.deliveryId, entry.topic, entry.tenantId]);
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
          confirm: ask && (async (plan) => (io.err(`${renderActingOn(actingOn)}Replay ${plan.found} archived delivery(ies) through the gateway:\n${previewTable(deliveryHeader, deliveryRows(plan.deliveries))}`), ask('Replay them?'))),
        },
        { selection, dryRun: flag(values, 'dry-run'), archiveTopic: text(values, 'archive-topic') },
      );
      const failed = outcome.failed > 0 || outcome.missing.length > 0;
      if (asJson) return io.out(json({ ...outcome, actingOn })), failed ? 1 : 0;
      io.out(renderActingOn(actingOn));
      if (flag(values, 'dry-run')) io.out(table(deliveryHeader, deliveryRows(outcome.deliveries)));
      else io.out(table(['delivery id', 'status', 'events', 'error'], outcome.results.map((result) => [result.deliveryId ?? `(archive ${result.archivedAt.partition}:${result.archivedAt.offset})`, result.status, result.publishedTo.map((record) => `${record.topic}:${record.partition}:${record.offset}`).join(' '), result.error])));
      io.out(`${outcome.found} archived deliveries found (${outcome.scanned} read)${flag(values, 'dry-run') ? '; dry run: nothing replayed' : `; ${outcome.results.length - outcome.failed} replayed, ${outcome.failed} failed`}\n`);
      if (outcome.missing.length) io.err(`not in the archive: ${outcome.missing.join(', ')}\n`);
      if (outcome.undecodable.length) io.err(`${outcome.undecodable.length} archive record(s) could not be decoded\n`);
      return failed ? 1 : 0;
    },
  },
  {
    path: ['webhooks', 'send-test'],
    summary: "sign a webhook body with its tenant's secret and post it to the gateway",
    usage: 'webhooks send-test <file> [--topic <shopify topic>] [--tenant <id>]',
    details: `Signs the file's bytes as the sender would: Svix for a Clerk event (told by its envelope,
"object": "event"), Shopify's HMAC for anything else, whose topic comes from --topic or from a
file name that starts with it (orders-create.json is orders/create). The secret is the tenant's
from TENANTS (the development tenant dev-store outside production); --tenant picks one when
several are configured, and finds one of the tenant store (tenants add) too. Each send is a new delivery with new ids. Prints the gateway's answer and
the delivery id to follow with "status". Exit 1 when the gateway did not answer 2xx.`,
    operands: { name: '<file>', description: 'the webhook body to send' },
    options: {
      topic: { type: 'string', value: '<shopify topic>', description: "the Shopify topic, such as orders/create", default: 'from the file name' },
      tenant: { type: 'string', value: '<id>', description: 'the tenant whose secret signs it', default: 'the only one configured (dev-store in development)' },
    },
    async run({ values, positionals, json: asJson, context, io }) {
      const gateway = context.endpoint('webhooks');
      const file = resolve(io.env.INIT_CWD ?? process.cwd(), positionals[0]);
      let body: Buffer;
      try {
        body = await readFile(file);
      } catch (error) {
        throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      const { tenants } = loadConfig({ tenants: tenantsSetting(io.env) }, io.env);
      const tenantId = text(values, 'tenant');
      if (tenantId !== undefined && !tenants.byId(tenantId)) {
        // A store added at run time: its secrets are in the tenant store.
        const { keys } = loadConfig({ keys: tenantSecretsKeysSetting(io.env) }, io.env);
        const stored = (await readTenantStore({ kafka: context.kafka, admin: await context.admin(), codec: context.codec })).get(tenantId);
        if (stored) tenants.applyStored(tenantId, tenantOfRecord(stored, keys));
      }
      const delivery = prepareTestDelivery(tenants, { body, fileName: file, topic: text(values, 'topic'), tenantId: text(values, 'tenant') });
      const answer = await sendTestDelivery(gateway, delivery, io.fetch);
      const accepted = answer.status >= 200 && answer.status < 300;
      const report = { gateway, source: delivery.source, tenantId: delivery.tenantId, topic: delivery.topic, deliveryId: delivery.deliveryId, status: answer.status, answer: answer.body };
      if (asJson) return io.out(json(report)), accepted ? 0 : 1;
      const problem = (typeof answer.body === 'object' && answer.body !== null ? answer.body : {}) as { status?: string; code?: string; title?: string; detail?: string };
      io.out(
        fields([
          ['sent', `${delivery.source} ${delivery.topic} for tenant ${delivery.tenantId} (${body.length} bytes) to ${gateway}${delivery.path}`],
          ['delivery id', delivery.deliveryId],
          // A 200 says what became of the delivery (published, spooled, duplicate); a refusal, its problem code and why.
          ['answer', `${answer.status}${accepted && problem.status ? ` ${problem.status}` : ''}${problem.code ? ` ${problem.code}` : ''}${problem.detail ?? problem.title ? `: ${problem.detail ?? problem.title}` : ''}`],
        ]),
      );
      io.out(accepted ? `Follow it: ${invocation(io)} status ${delivery.deliveryId}\n` : 'The gateway refused it; docs/troubleshooting.md explains each code.\n');
      return accepted ? 0 : 1;
    },
  },
  {
    path: ['events', 'process'],
    summary: 'push one stuck record through a service now',
    usage: 'events process --service <s> <topic>:<partition>:<offset>',
    details: `Asks the service to read the record (from its dead-letter topic or a topic it consumes)
and process it now (POST /admin/events/process); a dead letter is processed at its ORIGINAL position.`,
    operands: positionOperand("the record: in a topic the service consumes, or in its dead-letter topic"),
    options: { service: { type: 'string', value: '<s>', description: 'the service that processes it', required: true } },
    async run({ values, positionals, json: asJson, context, io }) {
      const processing = service(required(values, 'service'));
      context.endpoint(processing);
      const outcome = await forceProcessing({ http: context.http, database: await context.database(), actor: context.actor }, { service: processing, position: parsePosition(positionals[0]) });
      if (asJson) return io.out(json(outcome)), 0;
      io.out(fields([['service', outcome.service], ['record', `${outcome.processed.topic}:${outcome.processed.partition}:${outcome.processed.offset}`], ['outcome', String(outcome.answer.outcome ?? '?')], ['event', `${String(outcome.answer.eventType ?? '?')} ${String(outcome.answer.eventId ?? '')}`]]));
      return 0;
    },
  },
  {
    path: ['events', 'publish'],
    summary: 'publish a correcting event (never edit a service\'s tables)',
    usage: 'events publish --type <event type> --file <value.json> [--tenant <id>] [--dry-run]',
    details: `The file is the event value, with no or partial metadata. Metadata is completed: eventId
from the content unless given, source operator, occurredAt/receivedAt now, correlationId
correction:<uuid>. Validated against the schema, published to the catalogue topic under its key.`,
    options: {
      type: { type: 'string', value: '<event type>', description: 'the event type, such as shopify.order.created', required: true },
      file: { type: 'string', value: '<value.json>', description: 'the event value', required: true },
      tenant: { type: 'string', value: '<id>', description: "the tenant, unless the file's metadata.tenantId names it", default: "the file's metadata.tenantId" },
      ...dryRunOption('the completed event, validated'),
    },
    async run({ values, json: asJson, context, io }) {
      const file = required(values, 'file');
      let document: unknown;
      try {
        document = JSON.parse(await readFile(file, 'utf8'));
      } catch (error) {
        throw new UsageError(`cannot read ${file} as JSON: ${(error as Error).message}`);
      }
      if (!document || typeof document !== 'object' || Array.isArray(document)) throw new UsageError(`${file} must hold one JSON object`);
      const outcome = await publishCorrection(
        { codec: context.codec, publisher: context.publisher, database: await context.database(), actor: context.actor },
        { type: required(values, 'type'), document: document as Record<string, unknown>, tenantId: text(values, 'tenant'), dryRun: flag(values, 'dry-run') },
      );
      if (asJson) return io.out(json(outcome)), 0;
      io.out(fields([['event', `${outcome.eventType} ${outcome.eventId}`], ['topic', outcome.topic], ['key', outcome.key], ['published', outcome.published ? `${outcome.published.topic}:${outcome.published.partition}:${outcome.published.offset}` : 'no (dry run: valid)']]));
      return 0;
    },
  },
  {
    path: ['reconcile', 'run'],
    summary: 'compare Shopify with the local projections now (reconciler)',
    usage: 'reconcile run [--tenant <id>] [--from <ISO>] [--to <ISO>]',
    details: `Asks the reconciler (OPS_RECONCILER_URL) for a run over the window (default: the last 24 h)
and prints the discrepancies found, with both sides' values (--json).`,
    options: {
      tenant: { type: 'string', value: '<id>', description: 'the tenant to compare', default: 'the only one configured' },
      from: { type: 'string', value: '<ISO>', description: 'the start of the window', default: '24 h before --to' },
      to: { type: 'string', value: '<ISO>', description: 'the end of the window', default: 'now' },
    },
    async run({ values, json: asJson, context, io }) {
      const run = await startReconciliation(context.http, { tenantId: text(values, 'tenant'), from: time(text(values, 'from'), 'from'), to: time(text(values, 'to'), 'to') });
      if (asJson) return io.out(json(run)), 0;
      io.out(fields([['run', run.id], ['tenant', run.tenantId], ['window', `${run.windowFrom} .. ${run.windowTo}`], ['status', run.status], ['counts', Object.entries(run.counts).map(([kind, count]) => `${kind}=${count}`).join(' ')]]));
      io.out(table(['discrepancy', 'kind', 'subject', 'repairable'], (run.discrepancies ?? []).map((item) => [item.id, item.kind, item.subjectId, item.repairable ? 'yes' : `no: ${item.notRepairableReason ?? ''}`])));
      return run.status === 'succeeded' ? 0 : 1;
    },
  },
  {
    path: ['reconcile', 'repair'],
    summary: 'publish corrective events for discrepancies of a run (reconciler)',
    usage: 'reconcile repair <run id> (--discrepancy <id>... | --kind <kind> | --all) [--dry-run]',
    details: `The owning services fix themselves from the events (source reconciler, the run id as
correlation id). --dry-run shows what would be published. Repairing twice publishes nothing new.`,
    operands: { name: '<run id>', description: 'the reconciliation run, as reconcile show names it' },
    options: {
      discrepancy: { type: 'string', value: '<id>', description: 'this discrepancy; repeat the option for more', default: 'none', multiple: true },
      kind: { type: 'string', value: '<kind>', description: 'every discrepancy of this kind', default: 'none' },
      all: { type: 'boolean', description: 'every repairable discrepancy of the run' },
      ...dryRunOption('what would be published'),
    },
    async run({ values, positionals, json: asJson, context, io }) {
      const discrepancyIds = values.discrepancy as string[] | undefined;
      const choices = [discrepancyIds !== undefined, text(values, 'kind') !== undefined, flag(values, 'all')].filter(Boolean).length;
      if (choices !== 1) throw new UsageError('choose what to repair: --discrepancy <id>..., --kind <kind> or --all');
      const repair = await repairReconciliation(context.http, { runId: positionals[0], discrepancyIds, kind: text(values, 'kind'), all: flag(values, 'all'), dryRun: flag(values, 'dry-run') });
      if (asJson) return io.out(json(repair)), 0;
      io.out(`${repair.dryRun ? 'would publish' : 'published'}:\n`);
      io.out(table(['discrepancy', 'kind', 'subject', 'events'], repair.repaired.map((item) => [item.discrepancyId, item.kind, item.subjectId, item.events.map((event) => event.eventType).join(', ')])));
      if (repair.skipped.length) io.out(table(['skipped', 'kind', 'subject', 'reason'], repair.skipped.map((item) => [item.discrepancyId, item.kind, item.subjectId, item.reason])));
      return 0;
    },
  },
  {
    path: ['reconcile', 'show'],
    summary: 'one reconciliation run with its discrepancies, or the latest runs',
    usage: 'reconcile show [<run id>] [--tenant <id>]',
    details: 'Without a run id: the latest runs (when, window, status, counts per kind).',
    operands: { name: '<run id>', description: 'the run to show', optional: true },
    options: { tenant: { type: 'string', value: '<id>', description: 'the latest runs of this tenant only', default: 'every tenant' } },
    async run({ values, positionals, json: asJson, context, io }) {
      if (positionals.length === 0) {
        const runs = await listReconciliations(context.http, text(values, 'tenant'));
        if (asJson) return io.out(json({ runs })), 0;
        io.out(table(['run', 'tenant', 'window', 'status', 'trigger', 'counts'], runs.map((run) => [run.id, run.tenantId, `${run.windowFrom} .. ${run.windowTo}`, run.status, run.trigger, Object.entries(run.counts).filter(([, count]) => count > 0).map(([kind, count]) => `${kind}=${count}`).join(' ')])));
        return 0;
      }
      const run = await findReconciliation(context.http, positionals[0]);
      if (asJson) return io.out(json(run)), 0;
      io.out(fields([['run', run.id], ['status', run.status], ['window', `${run.windowFrom} .. ${run.windowTo}`], ['actor', run.actor]]));
      io.out(table(['discrepancy', 'kind', 'subject', 'shopify', 'local', 'repaired'], (run.discrepancies ?? []).map((item) => [item.id, item.kind, item.subjectId, JSON.stringify(item.shopifyValue).slice(0, 60), JSON.stringify(item.localValue).slice(0, 60), item.repairedAt ?? ''])));
      return 0;
    },
  },
  {
    path: ['tenants', 'list'],
    summary: 'the stores in the tenant store, with fingerprints of their secrets (never the secrets)',
    usage: 'tenants list',
    details: `Reads the tenant store (topic tenants.v1) and opens each store's secrets with
TENANT_SECRETS_KEYS to show a fingerprint of each (the first 12 hex digits of its SHA-256), current
first. Tenants only in an app's TENANTS are not listed: TENANTS is each app's own.`,
    options: tenantsTopicOption,
    async run({ values, json: asJson, context, io }) {
      const { tenants } = await listTenants(await tenantCommandDependencies(values, context, io));
      if (asJson) return io.out(json({ tenants })), 0;
      io.out(renderTenants(tenants));
      io.out(`${tenants.length} tenant(s) in the tenant store\n`);
      return 0;
    },
  },
  {
    path: ['tenants', 'add'],
    summary: 'add a store to the tenant store; every app knows it within seconds, without a restart',
    usage: 'tenants add --file <tenant.json>',
    details: `The file holds one tenant as TENANTS lists one: id, shopDomain, shopifyWebhookSecrets,
clerkInstanceIds, clerkSigningSecrets, currency, defaultCommissionRateBasisPoints,
consignorTagPrefix. Its secrets are sealed with the current TENANT_SECRETS_KEYS key before they
leave this machine. Refused when the id, the shop or a Clerk instance is another stored tenant's.`,
    options: { file: { type: 'string', value: '<tenant.json>', description: 'the tenant, as TENANTS lists one', required: true }, ...tenantsTopicOption },
    async run({ values, json: asJson, context, io }) {
      const file = required(values, 'file');
      let document: unknown;
      try {
        document = JSON.parse(await readFile(resolve(io.env.INIT_CWD ?? process.cwd(), file), 'utf8'));
      } catch (error) {
        throw new UsageError(`cannot read ${file} as JSON: ${(error as Error).message}`);
      }
      const { tenant } = await addTenant(await tenantCommandDependencies(values, context, io), document);
      if (asJson) return io.out(json({ tenant })), 0;
      io.out(renderTenants([tenant]));
      io.out(`Added ${tenant.id}: the apps pick it up without a restart.\n`);
      return 0;
    },
  },
  {
    path: ['tenants', 'rotate-secret'],
    summary: "give a store a new webhook secret, the previous one accepted until retired",
    usage: 'tenants rotate-secret <tenant id> --kind shopify|clerk (--secret-file <file> | --retire-previous [--yes])',
    details: `--secret-file: the file's first line becomes the current secret (Shopify's, or the Clerk
endpoint's whsec_ signing secret); every secret listed before stays accepted. Once the sender signs
with the new one, --retire-previous drops the others (asks first unless --yes).`,
    operands: { name: '<tenant id>', description: 'the stored tenant' },
    options: {
      kind: { type: 'string', value: 'shopify|clerk', description: 'which sender signs with the secret', required: true },
      'secret-file': { type: 'string', value: '<file>', description: 'a file whose first line is the new current secret', default: 'none' },
      'retire-previous': { type: 'boolean', description: 'drop every secret but the current one' },
      ...yesOption('retire'),
      ...tenantsTopicOption,
    },
    async run(invocation) {
      const { values, positionals, json: asJson, context, io } = invocation;
      const kind = required(values, 'kind');
      if (kind !== 'shopify' && kind !== 'clerk') throw new UsageError(`--kind must be shopify or clerk, got "${kind}"`);
      const secretFile = text(values, 'secret-file');
      if ((secretFile === undefined) === !flag(values, 'retire-previous')) throw new UsageError('give --secret-file <file> (a new secret) or --retire-previous, one of them');
      let newSecret = '';
      if (secretFile !== undefined) {
        try {
          newSecret = (await readFile(resolve(io.env.INIT_CWD ?? process.cwd(), secretFile), 'utf8')).split('\n')[0].trim();
        } catch (error) {
          throw new UsageError(`cannot read ${secretFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
        }
        if (newSecret === '') throw new UsageError(`${secretFile} is empty: its first line is the new secret`);
      }
      const deps = await tenantCommandDependencies(values, context, io);
      const outcome = secretFile !== undefined
        ? await rotateTenantSecret(deps, positionals[0], { kind, newSecret })
        : await rotateTenantSecret({ ...deps, confirm: confirmation(invocation) }, positionals[0], { kind, retirePrevious: true });
      if (asJson) return io.out(json(outcome)), 0;
      io.out(renderTenants([outcome.tenant]));
      io.out(secretFile !== undefined ? `New current ${kind} secret for ${outcome.tenant.id}; the previous one(s) stay accepted until --retire-previous.\n` : `Retired ${outcome.retired.length} previous ${kind} secret(s) of ${outcome.tenant.id}.\n`);
      return 0;
    },
  },
  {
    path: ['tenants', 'remove'],
    summary: 'remove a store from the tenant store: its webhooks are refused from then on',
    usage: 'tenants remove <tenant id> [--yes]',
    details: `Writes a tombstone: every app forgets the store within seconds, and compaction drops its
records. Asks first unless --yes. What the services hold of the store (items, ledgers) stays.`,
    operands: { name: '<tenant id>', description: 'the stored tenant' },
    options: { ...yesOption('remove'), ...tenantsTopicOption },
    async run(invocation) {
      const { values, positionals, json: asJson, context, io } = invocation;
      const confirm = confirmation(invocation);
      const { removed } = await removeTenantFromStore({ ...(await tenantCommandDependencies(values, context, io)), confirm }, positionals[0]);
      if (asJson) return io.out(json({ removed })), 0;
      io.out(`Removed ${removed.id} (${removed.shopDomain}).\n`);
      return 0;
    },
  },
  {
    path: ['console'],
    summary: 'serve the operator console: these commands as web pages, for operators signed in with their keys',
    usage: 'console',
    details: `Serves the console on CONSOLE_HOST:CONSOLE_PORT (127.0.0.1:3007) until interrupted. Operators
sign in with their API key (API_KEYS, the read scope on console; admin there to change anything).
Each page runs the commands of this tool for the signed-in operator, with their key and their name
in the audit log: a change is previewed (its --dry-run), then applied once confirmed.`,
    options: {},
    async run({ io }) {
      const running = await startConsole(loadConsoleSettings(io.env), {
        optionsOf: optionTypesOf,
        run: (argv, captured) => runCli(argv, { env: io.env, invokedAs: invocation(io), ...captured }),
      });
      io.err(`operator console at ${running.url}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await running.close();
      // A command still running for a page (a long archive scan, say) is abandoned, as when a CLI is interrupted.
      setTimeout(() => process.exit(0), 10_000).unref();
      return 0;
    },
  },
  {
    path: ['audit'],
    summary: 'the audit log: operator actions and every admin call to an app, newest first',
    usage: 'audit [--actor <name>] [--action <a | prefix.>] [--since <ISO>] [--limit <n>]',
    details: `Every action and dry run of this tool, every reconciliation run and repair, and every call to an
app's /admin API (refused ones too), with which app, who (the tool's --as, or api-key:<key name>),
what, when, parameters and outcome. --action takes an action or a prefix ending in "." or "/".`,
    options: {
      actor: { type: 'string', value: '<name>', description: 'only what this actor did', default: 'everyone' },
      action: { type: 'string', value: '<a | prefix.>', description: 'only this action, or those starting with a prefix ending in "." or "/"', default: 'every action' },
      since: { type: 'string', value: '<ISO>', description: 'only those started at or after this time', default: 'ever' },
      limit: { type: 'string', value: '<n>', description: 'the newest n', default: '100' },
    },
    async run({ values, json: asJson, context, io }) {
      const actions = await listOperatorActions(await context.database(), { actor: text(values, 'actor'), action: text(values, 'action'), since: time(text(values, 'since'), 'since'), limit: wholeNumber(text(values, 'limit'), 'limit') });
      if (asJson) return io.out(json({ actions })), 0;
      io.out(table(['id', 'started', 'app', 'actor', 'action', 'outcome', 'parameters', 'error'], actions.map((action) => [action.id, action.startedAt.toISOString(), action.app, action.actor, action.action, action.outcome, JSON.stringify(action.parameters).slice(0, 80), action.error])));
      return 0;
    },
  },
];

function optionLabel(name: string, option: OptionDefinition): string {
  return `--${name}${option.type === 'string' ? ` ${option.value}` : ''}`;
}

/** One line per option: what it does and what holds without it. */
function optionLines(options: OptionSpec, width: number): string {
  return Object.entries(options)
    .map(([name, option]) => {
      const holds = option.type === 'boolean' ? 'default: off' : option.required ? 'required' : `default: ${option.default}`;
      return `  ${optionLabel(name, option).padEnd(width)}  ${option.description} (${holds})`;
    })
    .join('\n');
}

function labelWidth(...specs: OptionSpec[]): number {
  return Math.max(...specs.flatMap((spec) => Object.entries(spec).map(([name, option]) => optionLabel(name, option).length)));
}

/** How the operator runs this tool, as help and hints say it. */
function invocation(io: CliIo): string {
  return io.invokedAs ?? 'npm run ops --';
}

function overview(io: CliIo): string {
  const width = Math.max(...commands.map((command) => command.path.join(' ').length));
  return `Usage: ${invocation(io)} <command> [options]

Commands:
${commands.map((command) => `  ${command.path.join(' ').padEnd(width)}  ${command.summary}`).join('\n')}

Global options:
${optionLines(globalOptions, labelWidth(globalOptions))}

Run "${invocation(io)} <command> --help" for a command's options.
`;
}

function commandHelp(command: Command, io: CliIo): string {
  const width = Math.max(labelWidth(command.options, globalOptions), command.operands?.name.length ?? 0);
  const operands = command.operands ? `Arguments:\n  ${command.operands.name.padEnd(width)}  ${command.operands.description}${command.operands.many ? ', one or more' : ''}\n\n` : '';
  const options = Object.keys(command.options).length ? `Options:\n${optionLines(command.options, width)}\n\n` : '';
  return `Usage: ${invocation(io)} ${command.usage}\n\n${command.summary}.\n${command.details}\n\n${operands}${options}Global options:\n${optionLines(globalOptions, width)}\n`;
}

/** `--shift-by -3`: parseArgs takes a word starting with "-" for an option, but after an option that takes a value, a negative number is that value. */
function withNegativeValues(args: string[], options: OptionSpec): string[] {
  const joined: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const option = args[index].startsWith('--') ? options[args[index].slice(2)] : undefined;
    if (option?.type === 'string' && /^-\d+$/.test(args[index + 1] ?? '')) joined.push(`${args[index]}=${args[(index += 1)]}`);
    else joined.push(args[index]);
  }
  return joined;
}

/**
 * The values and the operands of a command line: a variadic option takes the words after its value
 * (`--delivery-id A B`); every other word is an operand, and the command refuses those it does not take.
 */
function parseCommandLine(command: Command, args: string[]): { values: Values; positionals: string[] } {
  const options = { ...globalOptions, ...command.options };
  const parsed = parseArgs({
    args: withNegativeValues(args, options),
    options: Object.fromEntries(Object.entries(options).map(([name, option]) => [name, { type: option.type, multiple: option.type === 'string' && (option.multiple ?? false) }])),
    allowPositionals: true,
    strict: true,
    tokens: true,
  });
  const values = { ...parsed.values } as Values;
  // A variadic option's values are collected again from the tokens, in the order given, with the words after each.
  for (const [name, option] of Object.entries(options)) if (option.type === 'string' && option.variadic && values[name] !== undefined) values[name] = [];
  const positionals: string[] = [];
  let variadic: string[] | undefined;
  for (const token of parsed.tokens) {
    if (token.kind === 'option') {
      const option = options[token.name];
      variadic = option?.type === 'string' && option.variadic ? (values[token.name] as string[]) : undefined;
      if (variadic && token.value !== undefined) variadic.push(token.value);
    } else if (token.kind === 'positional' && variadic) variadic.push(token.value);
    else if (token.kind === 'positional') positionals.push(token.value);
    else variadic = undefined;
  }
  return { values, positionals };
}

/** What the definitions say a command line must hold: its operands, and its required options. */
function checkCommandLine(command: Command, { values, positionals }: { values: Values; positionals: string[] }): void {
  const name = command.path.join(' ');
  const operands = command.operands;
  const taken = !operands ? 0 : operands.many ? Infinity : 1;
  if (positionals.length > taken) throw new UsageError(`unexpected argument "${positionals[taken]}": ${name} takes ${operands ? `one ${operands.name}` : 'no arguments'}`);
  if (operands && !operands.optional && positionals.length === 0) throw new UsageError(`give ${operands.name}: ${operands.description}`);
  for (const [option, definition] of Object.entries(command.options)) {
    if (definition.type === 'string' && definition.required && (values[option] === undefined || values[option] === '')) throw new UsageError(`--${option} is required`);
  }
}

/** A command's options with their types, for the console to check a request against. */
export function optionTypesOf(path: string[]): CommandOptionTypes | undefined {
  const command = commands.find((candidate) => candidate.path.join(' ') === path.join(' '));
  if (!command) return undefined;
  return Object.fromEntries(Object.entries({ ...globalOptions, ...command.options }).map(([name, option]) => [name, { type: option.type, multiple: option.type === 'string' && (option.multiple ?? false) }]));
}

/** Runs one command line; returns the exit code: 0 done, 1 failed or refused, 2 bad command line. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const words = argv.slice(0, argv.findIndex((arg) => arg.startsWith('-')) === -1 ? argv.length : argv.findIndex((arg) => arg.startsWith('-')));
  const command = commands.find((candidate) => candidate.path.every((word, index) => words[index] === word));
  const wantsHelp = argv.includes('--help') || argv.includes('-h') || words[0] === 'help';
  if (!command) {
    const group = commands.filter((candidate) => candidate.path[0] === words[0] && candidate.path.length > 1);
    if (wantsHelp && group.length) {
      io.out(`Commands under ${words[0]}:\n${group.map((candidate) => `  ${candidate.usage}\n      ${candidate.summary}`).join('\n')}\n`);
      return 0;
    }
    if (wantsHelp || argv.length === 0) {
      io.out(overview(io));
      return argv.length === 0 ? 2 : 0;
    }
    io.err(`error: unknown command "${words.join(' ')}"\n\n${overview(io)}`);
    return 2;
  }
  if (wantsHelp) {
    io.out(commandHelp(command, io));
    return 0;
  }
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseCommandLine(command, argv.slice(command.path.length));
  } catch (error) {
    io.err(`error: ${(error as Error).message}\nRun "${invocation(io)} ${command.path.join(' ')} --help" for its options.\n`);
    return 2;
  }
  const asJson = flag(parsed.values, 'json');
  let context: CommandContext | undefined;
  try {
    checkCommandLine(command, parsed);
    context = new CommandContext(operatorIdentity(text(parsed.values, 'as'), io.env), { apiKey: text(parsed.values, 'api-key'), json: asJson }, io);
    return await command.run({ command, values: parsed.values, positionals: parsed.positionals, json: asJson, context, io });
  } catch (error) {
    const usage = error instanceof UsageError;
    const message = error instanceof ConfigError ? error.message : (error as Error).message;
    io.err(`error: ${message}\n${usage ? `Run "${invocation(io)} ${command.path.join(' ')} --help" for its options.\n` : ''}`);
    if (asJson) io.out(json({ error: { message, code: (error as { code?: string }).code ?? (usage ? 'usage' : 'error') } }));
    return usage ? 2 : 1;
  } finally {
    await context?.close();
  }
}
