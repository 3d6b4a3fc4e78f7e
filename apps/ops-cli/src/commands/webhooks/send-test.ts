import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadConfig } from '@consign/config';
import { prepareTestDelivery, sendTestDelivery } from '@consign/operations';
import { readTenantStore, tenantOfRecord, tenantSecretsKeysSetting, tenantsSetting } from '@consign/tenants';
import { Command, invocation, text, UsageError } from '../../command';
import { fields, json } from '../../render';

export const webhooksSendTest: Command = {
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
    topic: {
      type: 'string',
      value: '<shopify topic>',
      description: 'the Shopify topic, such as orders/create',
      default: 'from the file name',
    },
    tenant: {
      type: 'string',
      value: '<id>',
      description: 'the tenant whose secret signs it',
      default: 'the only one configured (dev-store in development)',
    },
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
    const report = {
      gateway,
      source: delivery.source,
      tenantId: delivery.tenantId,
      topic: delivery.topic,
      deliveryId: delivery.deliveryId,
      status: answer.status,
      answer: answer.body,
    };
    if (asJson) return (io.out(json(report)), accepted ? 0 : 1);
    const problem = (typeof answer.body === 'object' && answer.body !== null ? answer.body : {}) as {
      status?: string;
      code?: string;
      title?: string;
      detail?: string;
    };
    io.out(
      fields([
        [
          'sent',
          `${delivery.source} ${delivery.topic} for tenant ${delivery.tenantId} (${body.length} bytes) to ${gateway}${delivery.path}`,
        ],
        ['delivery id', delivery.deliveryId],
        // A 200 says what became of the delivery (published, spooled, duplicate); a refusal, its problem code and why.
        [
          'answer',
          `${answer.status}${accepted && problem.status ? ` ${problem.status}` : ''}${problem.code ? ` ${problem.code}` : ''}${(problem.detail ?? problem.title) ? `: ${problem.detail ?? problem.title}` : ''}`,
        ],
      ]),
    );
    io.out(
      accepted
        ? `Follow it: ${invocation(io)} status ${delivery.deliveryId}\n`
        : 'The gateway refused it; docs/troubleshooting.md explains each code.\n',
    );
    return accepted ? 0 : 1;
  },
};
