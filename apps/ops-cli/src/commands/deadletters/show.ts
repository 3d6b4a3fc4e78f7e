import { showDeadLetter } from '@consign/operations';
import { Command, positionOperand } from '../../command';
import { fields, indent, json } from '../../render';

export const deadlettersShow: Command = {
  path: ['deadletters', 'show'],
  summary: 'one dead letter: decoded payload, reason, attempts, original position, headers',
  usage: 'deadletters show <topic>:<partition>:<offset>',
  details: 'Poison bytes (not a decodable event) are shown as a hex and base64 preview.',
  operands: positionOperand('the dead letter, as deadletters list names it'),
  options: {},
  async run({ positionals, json: asJson, context, io }) {
    const shown = await showDeadLetter(
      { kafka: context.kafka, admin: await context.admin(), codec: context.codec, database: await context.database() },
      positionals[0],
    );
    if (asJson) return (io.out(json(shown)), 0);
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
        [
          'redriven',
          shown.redrives
            .map((redrive) => `${redrive.redrivenAt.toISOString()} by ${redrive.redrivenBy} to offset ${redrive.redrivenTo.offset}`)
            .join('; ') || 'no',
        ],
      ]),
    );
    io.out(`headers:\n${indent(json(shown.headers))}`);
    if (shown.payload.decoded) io.out(`payload (schema ${shown.payload.schemaId}):\n${indent(json(shown.payload.value))}`);
    else
      io.out(
        `payload not decodable (${shown.payload.error}); ${shown.payload.preview.size} bytes${shown.payload.preview.truncated ? ', first 64' : ''}:\n  hex    ${shown.payload.preview.hex}\n  base64 ${shown.payload.preview.base64}\n`,
      );
    return 0;
  },
};
