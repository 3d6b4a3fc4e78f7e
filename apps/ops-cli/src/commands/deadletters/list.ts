import { listDeadLetters } from '@consign/operations';
import { Command } from '../../command';
import { json, table } from '../../render';
import { deadLetterFilterOptions, deadLetterSelection } from './selection';

export const deadlettersList: Command = {
  path: ['deadletters', 'list'],
  summary: 'dead letters by service or group, category and time',
  usage: 'deadletters list [--service <s> | --group <g>] [--category <c>] [--since <ISO>] [--limit <n>]',
  details: 'The newest --limit (100) matching dead letters, oldest first, with whether they were redriven.',
  options: { ...deadLetterFilterOptions, limit: { type: 'string', value: '<n>', description: 'the newest n matching', default: '100' } },
  async run({ values, json: asJson, context, io }) {
    const listed = await listDeadLetters(
      { kafka: context.kafka, admin: await context.admin(), database: await context.database(), progress: context.progress },
      deadLetterSelection(values),
    );
    if (asJson) return (io.out(json(listed)), 0);
    io.out(
      table(
        ['id', 'dead-lettered at', 'group', 'category', 'code', 'attempts', 'original', 'redriven', 'message'],
        listed.deadLetters.map((entry) => [
          entry.id,
          entry.deadLetteredAt,
          entry.group,
          entry.category,
          entry.code,
          entry.attempts,
          `${entry.original.topic}:${entry.original.partition}:${entry.original.offset}`,
          entry.redrives.length ? `${entry.redrives.length}x` : 'no',
          entry.message.slice(0, 80),
        ]),
      ),
    );
    io.out(`${listed.deadLetters.length} shown of ${listed.matched} matching (${listed.scanned} read)\n`);
    return 0;
  },
};
