import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandSchema, generateContractsModule } from './generate';

describe('contract generation', () => {
  it('keeps the committed module in step with the Avro schema files', () => {
    const root = join(__dirname, '..');
    const committed = readFileSync(join(root, 'src/generated/contracts.ts'), 'utf8');
    expect(generateContractsModule(join(root, 'schemas'))).toBe(committed);
  });

  it('inlines a shared named type at its first use and references it afterwards', () => {
    const money = { type: 'record', name: 'Money', namespace: 'x', fields: [{ name: 'amountMinor', type: 'long' }] };
    const commons = new Map([['x.Money', money]]);
    const schema = {
      type: 'record',
      name: 'Sale',
      namespace: 'x',
      fields: [
        { name: 'price', type: 'x.Money' },
        { name: 'discount', type: 'Money' },
      ],
    };
    expect(expandSchema(schema, commons)).toEqual({
      ...schema,
      fields: [
        { name: 'price', type: money },
        { name: 'discount', type: 'x.Money' },
      ],
    });
  });
});
