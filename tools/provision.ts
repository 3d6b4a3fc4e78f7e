import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { consumerGroupDefaults, kafkaConnection, loadConfig, platformConnectionSettings, registryConnection, text } from '@consign/config';
import { alignTopicSettings, createKafka, describeDrift, EventCodec, provisionPlatform } from '@consign/kafka';
import { assertPinnedRuntime } from './pinned-runtime';

const usage = `npm run provision -- [--group NAME]... [--align-settings [--yes]] [--json]

The deploy step, run with the cluster's and the registry's admin credentials before the apps
(which, outside development, only check that what they need exists):
  - creates the catalogue's topics, and the dead-letter and retry topics of every consumer group
    (the groups the apps use by default or as renamed by INVENTORY_CONSUMER_GROUP and the like,
    plus each --group);
  - registers every event schema with its compatibility rule;
  - reports each existing topic whose settings differ from the catalogue. It changes none unless
    --align-settings is given, which asks first (or takes --yes); partitions are never changed.
It connects with the apps' variables: KAFKA_*, SCHEMA_REGISTRY_*.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      group: { type: 'string', multiple: true, default: [] },
      'align-settings': { type: 'boolean', default: false },
      yes: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  assertPinnedRuntime('provision');
  const config = loadConfig(
    {
      ...platformConnectionSettings(process.env),
      ...Object.fromEntries(Object.entries(consumerGroupDefaults).map(([variable, group]) => [variable, text(variable, group)])),
    },
    process.env,
  );
  const groups = [
    ...new Set([...Object.keys(consumerGroupDefaults).map((variable) => String(config[variable as keyof typeof config])), ...values.group]),
  ];
  const kafka = createKafka({ clientId: 'provision', connection: kafkaConnection(config) });
  const report = await provisionPlatform(kafka, new EventCodec(registryConnection(config)), groups);
  let aligned: string[] = [];
  if (values['align-settings'] && report.drift.length > 0) {
    const confirmed =
      values.yes || (await ask(`${describeDrift(report.drift).join('\n')}\nAlign these topics' settings with the catalogue?`));
    if (confirmed) aligned = await alignTopicSettings(kafka, report.topics, report.drift);
  }
  if (values.json) {
    console.log(
      JSON.stringify(
        {
          createdTopics: report.created,
          existingTopics: report.existing,
          drift: report.drift,
          alignedTopics: aligned,
          consumerGroups: groups,
          schemaIds: Object.fromEntries(report.schemas),
        },
        null,
        2,
      ),
    );
    return;
  }
  console.log(`consumer groups: ${groups.join(', ')}`);
  console.log(`topics created: ${report.created.join(', ') || 'none'}; already there: ${report.existing.length}`);
  for (const [eventType, id] of report.schemas) console.log(`schema ${eventType.padEnd(40)} registry id ${id}`);
  if (report.drift.length === 0) console.log('no topic differs from the catalogue');
  else {
    console.log(`topics that differ from the catalogue${aligned.length > 0 ? '' : ' (left as they are; --align-settings aligns them)'}:`);
    for (const line of describeDrift(report.drift)) console.log(`  ${line}`);
  }
  if (aligned.length > 0) console.log(`settings aligned: ${aligned.join(', ')}`);
}

async function ask(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new Error('nobody can confirm here: add --yes to align the settings');
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
  } finally {
    prompt.close();
  }
}

main().catch((error: unknown) => {
  console.error(`provision failed: ${(error as Error).message}`);
  process.exit(1);
});
