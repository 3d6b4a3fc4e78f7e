import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

  describe('TypeScript types', () => {
    let root: string;

    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'contracts-codegen-'));
      mkdirSync(join(root, 'common'));
      mkdirSync(join(root, 'events'));
      writeFileSync(
        join(root, 'common/Meta.avsc'),
        JSON.stringify({ type: 'record', name: 'Meta', namespace: 'x', fields: [{ name: 'id', type: 'string' }] }),
      );
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    const writeEvent = (schema: Record<string, unknown>, file = `${String(schema.name)}.avsc`): void =>
      writeFileSync(join(root, 'events', file), JSON.stringify(schema));

    it('maps every Avro type the schemas use', () => {
      writeEvent({
        type: 'record',
        name: 'Everything',
        namespace: 'x',
        doc: 'All the types. A */ in a doc stays inside the comment.',
        fields: [
          { name: 'meta', type: 'x.Meta' },
          { name: 'flag', type: 'boolean' },
          { name: 'count', type: 'int' },
          { name: 'big', type: 'long' },
          { name: 'ratio', type: 'double' },
          { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' }, doc: 'Epoch milliseconds.' },
          { name: 'body', type: 'bytes' },
          { name: 'hash', type: { type: 'fixed', name: 'Hash', size: 32 } },
          { name: 'kind', type: { type: 'enum', name: 'Kind', doc: 'Which kind.', symbols: ['a', 'b'], default: 'a' } },
          { name: 'otherKind', type: 'Kind' },
          { name: 'tags', type: { type: 'array', items: 'string' } },
          { name: 'headers', type: { type: 'map', values: 'string' } },
          { name: 'maybe', type: ['null', 'string'], default: null },
          {
            name: 'child',
            type: {
              type: 'record',
              name: 'Child',
              fields: [
                { name: 'meta', type: 'Meta' },
                { name: 'hash', type: 'Hash' },
              ],
            },
          },
          { name: 'children', type: { type: 'array', items: 'Child' } },
        ],
      });
      const module = generateContractsModule(root);
      expect(module).toContain(
        [
          '/** All the types. A *\\/ in a doc stays inside the comment. */',
          'export interface Everything {',
          '  readonly meta: Meta;',
          '  readonly flag: boolean;',
          '  readonly count: number;',
          '  readonly big: number;',
          '  readonly ratio: number;',
          '  /** Epoch milliseconds. */',
          '  readonly at: number;',
          '  readonly body: Buffer;',
          '  readonly hash: Hash;',
          '  readonly kind: Kind;',
          '  readonly otherKind: Kind;',
          '  readonly tags: Array<string>;',
          '  readonly headers: Record<string, string>;',
          '  readonly maybe: null | string;',
          '  readonly child: Child;',
          '  readonly children: Array<Child>;',
          '}',
        ].join('\n'),
      );
      expect(module).toContain('export interface Meta {\n  readonly id: string;\n}');
      expect(module).toContain('export type Hash = Buffer;');
      expect(module).toContain("/** Which kind. */\nexport type Kind = 'a' | 'b';");
      expect(module).toContain('export interface Child {\n  readonly meta: Meta;\n  readonly hash: Hash;\n}');
      expect(module).toContain('export type EventSchemaName = keyof typeof avroSchemas;');
    });

    it('refuses two different types that would share a TypeScript name', () => {
      writeEvent({
        type: 'record',
        name: 'A',
        namespace: 'x',
        fields: [{ name: 'item', type: { type: 'record', name: 'Item', fields: [{ name: 'id', type: 'string' }] } }],
      });
      writeEvent({
        type: 'record',
        name: 'B',
        namespace: 'y',
        fields: [{ name: 'item', type: { type: 'record', name: 'Item', fields: [{ name: 'id', type: 'int' }] } }],
      });
      expect(() => generateContractsModule(root)).toThrow('Two different Avro types are named Item');
    });

    it('accepts the same shared type inlined in one event and referenced in another', () => {
      writeEvent({
        type: 'record',
        name: 'A',
        namespace: 'x',
        fields: [
          { name: 'meta', type: 'x.Meta' },
          { name: 'again', type: 'x.Meta' },
        ],
      });
      writeEvent({ type: 'record', name: 'B', namespace: 'x', fields: [{ name: 'meta', type: 'Meta' }] });
      expect(generateContractsModule(root).match(/export interface Meta /g)).toHaveLength(1);
    });

    it('wants one event record per file, named after the file', () => {
      writeEvent({ type: 'record', name: 'Renamed', namespace: 'x', fields: [] }, 'Original.avsc');
      expect(() => generateContractsModule(root)).toThrow(/Original\.avsc must hold one record named after the file/);
    });
  });
});
