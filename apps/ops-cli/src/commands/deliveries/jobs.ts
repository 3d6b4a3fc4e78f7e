import { listBulkReplayJobs } from '@consign/operations';
import { Command, text, wholeNumber } from '../../command';
import { json } from '../../render';
import { renderReplayJobs } from './history-filters';

export const deliveriesJobs: Command = {
  path: ['deliveries', 'jobs'],
  summary: 'the bulk replay jobs, newest first: how far each got, and how it ended',
  usage: 'deliveries jobs [--limit <n>]',
  details: 'From the operations database. A job left interrupted or running goes on with deliveries replay --resume <job id>.',
  options: { limit: { type: 'string', value: '<n>', description: 'the newest n', default: '20' } },
  async run({ values, json: asJson, context, io }) {
    const jobs = await listBulkReplayJobs(await context.database(), wholeNumber(text(values, 'limit'), 'limit'));
    if (asJson) return (io.out(json({ jobs })), 0);
    io.out(renderReplayJobs(jobs));
    return 0;
  },
};
