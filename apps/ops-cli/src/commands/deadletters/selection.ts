import { DeadLetterSelection } from '@consign/operations';
import { OptionSpec, required, service, text, time, UsageError, Values, wholeNumber } from '../../command';

export function deadLetterSelection(values: Values): DeadLetterSelection {
  const group = text(values, 'group') ?? (text(values, 'service') === undefined ? undefined : service(required(values, 'service')));
  if (text(values, 'group') && text(values, 'service')) throw new UsageError('give --service or --group, not both');
  return {
    group,
    category: text(values, 'category'),
    since: time(text(values, 'since'), 'since'),
    limit: wholeNumber(text(values, 'limit'), 'limit'),
  };
}

export const deadLetterFilterOptions: OptionSpec = {
  service: { type: 'string', value: '<s>', description: "one service's dead letters (those of its default group)", default: 'every group' },
  group: { type: 'string', value: '<g>', description: "one consumer group's dead letters", default: 'every group' },
  category: {
    type: 'string',
    value: '<c>',
    description: 'only this category: transient, invalid, poison, dependency or unauthorized',
    default: 'every category',
  },
  since: { type: 'string', value: '<ISO>', description: 'only those dead-lettered at or after this time', default: 'all the topic holds' },
};
