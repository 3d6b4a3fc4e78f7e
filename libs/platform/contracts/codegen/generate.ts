import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

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
    if (schema.type !== 'record' || basename(file, '.avsc') !== schema.name) {
      throw new Error(`${file} must hold one record named after the file, not ${String(schema.type)} ${String(schema.name)}`);
    }
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

/**
 * Emits one TypeScript interface per named record, a union of string literals per enum and a Buffer
 * alias per fixed. Logical types take their underlying type (timestamp-millis is a number of
 * milliseconds): the codec decodes without logical-type hooks.
 */
class TypeEmitter {
  private readonly declarations = new Map<string, string>();
  /** TypeScript has one flat namespace here, so two different Avro types may not share a short name. */
  private readonly shapes = new Map<string, string>();

  typeOf(schema: AvroSchema): string {
    if (typeof schema === 'string') return this.primitiveOrReference(schema);
    if (Array.isArray(schema)) return schema.map((branch) => this.typeOf(branch)).join(' | ');
    const type = schema.type;
    switch (type) {
      case 'record':
        return this.record(schema);
      case 'enum': {
        const name = this.declare(schema);
        const symbols = (schema.symbols as string[]).map((symbol) => `'${symbol}'`).join(' | ');
        this.declarations.set(name, `${docComment(schema.doc, '')}export type ${name} = ${symbols};`);
        return name;
      }
      case 'fixed': {
        const name = this.declare(schema);
        this.declarations.set(name, `${docComment(schema.doc, '')}export type ${name} = Buffer;`);
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
        return 'Buffer';
      case 'string':
        return 'string';
      default:
        return shortName(type);
    }
  }

  /** The type's TypeScript name, refusing a second, different type of the same name. */
  private declare(schema: Record<string, unknown>): string {
    const name = shortName(String(schema.name));
    const shape = shapeOf(schema);
    const known = this.shapes.get(name);
    if (known !== undefined && known !== shape) {
      throw new Error(`Two different Avro types are named ${name}; their TypeScript types would collide: rename one`);
    }
    this.shapes.set(name, shape);
    return name;
  }

  private record(schema: Record<string, unknown>): string {
    const name = this.declare(schema);
    if (this.declarations.has(name)) return name;
    this.declarations.set(name, '');
    const fields = (schema.fields as Record<string, unknown>[]).map(
      (field) => `${docComment(field.doc, '  ')}  readonly ${String(field.name)}: ${this.typeOf(field.type as AvroSchema)};`,
    );
    this.declarations.set(name, `${docComment(schema.doc, '')}export interface ${name} {\n${fields.join('\n')}\n}`);
    return name;
  }

  render(): string {
    return [...this.declarations.values()].join('\n\n');
  }
}

function shortName(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

function docComment(doc: unknown, indent: string): string {
  return doc ? `${indent}/** ${String(doc).replace(/\*\//g, '*\\/')} */\n` : '';
}

/** A named type's structure with nested named types by name, so inlined and referenced uses compare equal. */
function shapeOf(schema: AvroSchema, top = true): string {
  if (typeof schema === 'string') return shortName(schema);
  if (Array.isArray(schema)) return `[${schema.map((branch) => shapeOf(branch, false)).join(',')}]`;
  const type = schema.type;
  if (!top && (type === 'record' || type === 'enum' || type === 'fixed')) return shortName(String(schema.name));
  switch (type) {
    case 'record':
      return `{${(schema.fields as Record<string, unknown>[]).map((field) => `${String(field.name)}:${shapeOf(field.type as AvroSchema, false)}`).join(',')}}`;
    case 'enum':
      return `enum(${(schema.symbols as string[]).join(',')})`;
    case 'fixed':
      return `fixed(${String(schema.size)})`;
    case 'array':
      return `array<${shapeOf(schema.items as AvroSchema, false)}>`;
    case 'map':
      return `map<${shapeOf(schema.values as AvroSchema, false)}>`;
    default:
      return shapeOf(type as AvroSchema, false);
  }
}

export function generateContractsModule(schemaRoot: string): string {
  const { commons, events } = readSchemaFiles(schemaRoot);
  const emitter = new TypeEmitter();
  const expanded = events.map((event) => ({ name: event.name, schema: expandSchema(event.schema, commons) }));
  for (const event of expanded) emitter.typeOf(event.schema);
  const schemaEntries = expanded.map((event) => `  ${event.name}: ${JSON.stringify(event.schema)},`).join('\n');
  return [
    '// Generated from libs/platform/contracts/schemas by `npx nx run contracts:generate`. Do not edit.',
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
