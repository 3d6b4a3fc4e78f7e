import { readFile } from 'node:fs/promises';
import { publishCorrection } from '@consign/operations';
import { Command, dryRunOption, flag, required, text, UsageError } from '../../command';
import { fields, json } from '../../render';

export const eventsPublish: Command = {
  path: ['events', 'publish'],
  summary: "publish a correcting event (never edit a service's tables)",
  usage: 'events publish --type <event type> --file <value.json> [--tenant <id>] [--dry-run]',
  details: `The file is the event value, with no or partial metadata. Metadata is completed: eventId
from the content unless given, source operator, occurredAt/receivedAt now, correlationId
correction:<uuid>. Validated against the schema, published to the catalogue topic under its key.`,
  options: {
    type: { type: 'string', value: '<event type>', description: 'the event type, such as shopify.order.created', required: true },
    file: { type: 'string', value: '<value.json>', description: 'the event value', required: true },
    tenant: {
      type: 'string',
      value: '<id>',
      description: "the tenant, unless the file's metadata.tenantId names it",
      default: "the file's metadata.tenantId",
    },
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
      {
        type: required(values, 'type'),
        document: document as Record<string, unknown>,
        tenantId: text(values, 'tenant'),
        dryRun: flag(values, 'dry-run'),
      },
    );
    if (asJson) return (io.out(json(outcome)), 0);
    io.out(
      fields([
        ['event', `${outcome.eventType} ${outcome.eventId}`],
        ['topic', outcome.topic],
        ['key', outcome.key],
        [
          'published',
          outcome.published
            ? `${outcome.published.topic}:${outcome.published.partition}:${outcome.published.offset}`
            : 'no (dry run: valid)',
        ],
      ]),
    );
    return 0;
  },
};
