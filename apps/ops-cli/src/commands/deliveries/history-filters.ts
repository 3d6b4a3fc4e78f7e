import { BulkReplayJob, HistorySearch } from '@consign/operations';
import { OptionSpec, text, time, Values } from '../../command';
import { table } from '../../render';

/** The delivery history's filters, for listing and for replaying what they match. */
export const historyFilterOptions: OptionSpec = {
  from: { type: 'string', value: '<ISO>', description: 'received at or after this time', default: 'the start of the history' },
  to: { type: 'string', value: '<ISO>', description: 'received before this time', default: 'now' },
  source: { type: 'string', value: 'shopify|clerk', description: 'only this sender', default: 'both' },
  tenant: { type: 'string', value: '<id>', description: "only this tenant's deliveries", default: 'every tenant' },
  topic: {
    type: 'string',
    value: '<t>',
    description: 'only this topic or event type (orders/create, user.created)',
    default: 'every topic',
  },
  outcome: { type: 'string', value: '<o>', description: 'only published, spooled, duplicate or rejected', default: 'every outcome' },
  reason: {
    type: 'string',
    value: '<code>',
    description: 'only refusals with this code (shopify.signature_invalid, say), with --outcome rejected',
    default: 'every reason',
  },
  subject: {
    type: 'string',
    value: '<id>',
    description: 'only deliveries about this order, product, inventory item or Clerk user',
    default: 'every subject',
  },
  'delivery-id': { type: 'string', value: '<id>', description: 'only this X-Shopify-Webhook-Id or svix-id', default: 'every delivery' },
};

export function historySearch(values: Values): HistorySearch {
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

export function renderReplayJobs(jobs: BulkReplayJob[]): string {
  return table(
    ['job', 'started', 'actor', 'status', 'done', 'replayed', 'failed', 'rate/s', 'search', 'last error'],
    jobs.map((job) => [
      job.id,
      job.createdAt,
      job.actor,
      job.status,
      `${job.nextIndex}/${job.total}`,
      job.replayed,
      job.failed,
      job.ratePerSecond,
      JSON.stringify(job.search).slice(0, 60),
      job.lastError?.slice(0, 60),
    ]),
  );
}
