import { forceProcessing, parsePosition } from '@consign/operations';
import { Command, positionOperand, required, service } from '../../command';
import { fields, json } from '../../render';

export const eventsProcess: Command = {
  path: ['events', 'process'],
  summary: 'push one stuck record through a service now',
  usage: 'events process --service <s> <topic>:<partition>:<offset>',
  details: `Asks the service to read the record (from its dead-letter topic or a topic it consumes)
and process it now (POST /admin/events/process); a dead letter is processed at its ORIGINAL position.`,
  operands: positionOperand('the record: in a topic the service consumes, or in its dead-letter topic'),
  options: { service: { type: 'string', value: '<s>', description: 'the service that processes it', required: true } },
  async run({ values, positionals, json: asJson, context, io }) {
    const processing = service(required(values, 'service'));
    context.endpoint(processing);
    const outcome = await forceProcessing(
      { http: context.http, database: await context.database(), actor: context.actor },
      { service: processing, position: parsePosition(positionals[0]) },
    );
    if (asJson) return (io.out(json(outcome)), 0);
    io.out(
      fields([
        ['service', outcome.service],
        ['record', `${outcome.processed.topic}:${outcome.processed.partition}:${outcome.processed.offset}`],
        ['outcome', String(outcome.answer.outcome ?? '?')],
        ['event', `${String(outcome.answer.eventType ?? '?')} ${String(outcome.answer.eventId ?? '')}`],
      ]),
    );
    return 0;
  },
};
