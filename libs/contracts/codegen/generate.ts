import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Turns the Avro schema files (the one source of truth) into a TypeScript module holding, for each
 * event, its self-contained schema (shared named types such as EventMetadata inlined, as the
 * registry needs) and the TypeScript type of its value.
 */

type AvroSchema = string | AvroSchema[] | { [key: string]: unknown };
type NamedSchemas = Map<string, Record<string, unknown>>;

interface EventSchemaFile {
  name: string;
  schema: Record<string, unknown>;
}

export function readSchemaFiles(schemaRoot: string): { commons: NamedSchemas; events: EventSchemaFile[] } {
  const commons: NamedSchemas = new Map();
  for (const file of listAvsc(join(schemaRoot, 'common'))) {
    const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    commons.set(fullName(schema, undefined), schema);
  }
  const events = listAvsc(join(schemaRoot, 'events')).map((file) => {
    const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    return { name: String(schema.name), schema };
  });
  return { commons, events };
}

function listAvsc(dir: string): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.avsc'))
    .sort()
    .map((file) => join(dir, file));
}

function fullName(schema: Record<string, unknown>, enclosingNamespace: string | undefined): string {
  const name = String(schema.name);
  if (name.includes('.')) return name;
  const namespace = (schema.namespace as string | undefined) ?? enclosingNamespace;
  return namespace ? `${namespace}.${name}` : name;
}

/** Inlines each shared named type at its first use; later uses stay references, as Avro requires. */
export function expandSchema(schema: AvroSchema, commons: NamedSchemas, defined = new Set<string>(), namespace?: string): AvroSchema {
  if (typeof schema === 'string') {
    const common = commons.get(schema) ?? (namespace ? commons.get(`${namespace}.${schema}`) : undefined);
    if (!common) return schema;
    const name = fullName(common, undefined);
    if (defined.has(name)) return name;
    return expandSchema(common, commons, defined, namespace);
  }
  if (Array.isArray(schema)) return schema.map((branch) => expandSchema(branch, commons, defined, namespace));
  const copy: Record<string, unknown> = { ...schema };
  const type = copy.type;
  let innerNamespace = namespace;
  if (type === 'record' || type === 'enum' || type === 'fixed') {
    const name = fullName(copy, namespace);
    defined.add(name);
    innerNamespace = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : namespace;
  }
  if (type === 'record') {
    copy.fields = (copy.fields as Record<string, unknown>[]).map((field) => ({
      ...field,
      type: expandSchema(field.type as AvroSchema, commons, defined, innerNamespace),
    }));
  } else if (type === 'array') {
    copy.items = expandSchema(copy.items as AvroSchema, commons, defined, innerNamespace);
  } else if (type === 'map') {
    copy.values = expandSchema(copy.values as AvroSchema, commons, defined, innerNamespace);
  } else if (type !== 'enum' && type !== 'fixed') {
    copy.type = expandSchema(type as AvroSchema, commons, defined, innerNamespace);
  }
  return copy;
}

/** Emits one TypeScript interface per named record and a union literal per enum. */
class TypeEmitter {
  private readonly declarations = new Map<string, string>();

  typeOf(schema: AvroSchema): string {
    if (typeof schema === 'string') return this.primitiveOrReference(schema);
    if (Array.isArray(schema)) return schema.map((branch) => this.typeOf(branch)).join(' | ');
    const type = schema.type;
    switch (type) {
      case 'record':
        return this.record(schema);
      case 'enum': {
        const name = String(schema.name);
        const symbols = (schema.symbols as string[]).map((symbol) => `'${symbol}'`).join(' | ');
        this.declarations.set(name, `export type ${name} = ${symbols};`);
        return name;
      }
      case 'array':
        return `Array<${this.typeOf(schema.items as AvroSchema)}>`;
      case 'map':
        return `Record<string, ${this.typeOf(schema.values as AvroSchema)}>`;
      default:
        return this.typeOf(type as AvroSchema);
    }
  }

  private primitiveOrReference(type: string): string {
    switch (type) {
      case 'null':
        return 'null';
      case 'boolean':
        return 'boolean';
      case 'int':
      case 'long':
      case 'float':
      case 'double':
        return 'number';
      case 'bytes':
      case 'fixed':
        return 'Buffer';
      case 'string':
        return 'string';
      default:
        return type.slice(type.lastIndexOf('.') + 1);
    }
  }

  private record(schema: Record<string, unknown>): string {
    const name = String(schema.name).slice(String(schema.name).lastIndexOf('.') + 1);
    if (this.declarations.has(name)) return name;
    this.declarations.set(name, '');
    const fields = (schema.fields as Record<string, unknown>[]).map((field) => {
      const doc = field.doc ? `  /** ${String(field.doc)} */\n` : '';
      return `${doc}  readonly ${String(field.name)}: ${this.typeOf(field.type as AvroSchema)};`;
    });
    const doc = schema.doc ? `/** ${String(schema.doc)} */\n` : '';
    this.declarations.set(name, `${doc}export interface ${name} {\n${fields.join('\n')}\n}`);
    return name;
  }

  render(): string {
    return [...this.declarations.values()].join('\n\n');
  }
}

export function generateContractsModule(schemaRoot: string): string {
  const { commons, events } = readSchemaFiles(schemaRoot);
  const emitter = new TypeEmitter();
  const expanded = events.map((event) => ({ name: event.name, schema: expandSchema(event.schema, commons) }));
  for (const event of expanded) emitter.typeOf(event.schema);
  const schemaEntries = expanded
    .map((event) => `  ${event.name}: ${JSON.stringify(event.schema)},`)
    .join('\n');
  return [
    '// Generated from libs/contracts/schemas by `npx nx run contracts:generate`. Do not edit.',
    '',
    emitter.render(),
    '',
    '/** Self-contained Avro schemas, as registered in the schema registry. */',
    `export const avroSchemas = {\n${schemaEntries}\n} as const;`,
    '',
    'export type EventSchemaName = keyof typeof avroSchemas;',
    '',
  ].join('\n');
}
