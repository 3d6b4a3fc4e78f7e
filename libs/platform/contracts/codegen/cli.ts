import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateContractsModule } from './generate';

const root = join(__dirname, '..');
const target = join(root, 'src/generated/contracts.ts');
const generated = generateContractsModule(join(root, 'schemas'));

if (process.argv.includes('--check')) {
  const current = readFileSync(target, 'utf8');
  if (current !== generated) {
    console.error(`${target} is out of date with the Avro schemas: run \`npx nx run contracts:generate\`.`);
    process.exit(1);
  }
  console.log('contracts: generated types match the Avro schemas');
} else {
  writeFileSync(target, generated);
  console.log(`contracts: wrote ${target}`);
}
