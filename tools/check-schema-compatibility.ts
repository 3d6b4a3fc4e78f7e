import { Type, types } from 'avsc';
import { loadConfig, platformDefaults, url } from '@consign/config';
import { avroSchemas, events, subjectCompatibility, subjectOf } from '@consign/contracts';
import { plainRegistryConnection, SchemaRegistryAdmin } from '@consign/kafka';

/**
 * `npm run contracts:check [-- --json]`: is every event schema in the repo compatible with what the
 * schema registry holds under its subject? Read-only; exits 1 when one is not, or when the registry
 * cannot be asked.
 */

type Status = 'new' | 'registered' | 'compatible' | 'incompatible';

interface SubjectReport {
  subject: string;
  eventTypes: string[];
  status: Status;
  /** The registered version this schema already is, when it is one. */
  version?: number;
  /** The subject's rule, which the registry judged under. */
  compatibility?: string;
  /** What the registry said. */
  reasons: string[];
  /** What avsc says when resolving against each registered version: readable where the registry's reasons are terse. */
  explanations: string[];
  warnings: string[];
}

const contentType = 'application/vnd.schemaregistry.v1+json';
const requestTimeoutMs = 10_000;

class RegistryUnavailable extends Error {}

async function main(registryUrl: string): Promise<number> {
  const asJson = process.argv.includes('--json');
  const registry = new Registry(registryUrl);

  const bySubject = new Map<string, { schema: object; eventTypes: string[] }>();
  for (const definition of Object.values(events)) {
    const subject = subjectOf(definition);
    const entry = bySubject.get(subject) ?? { schema: avroSchemas[definition.schemaName], eventTypes: [] };
    entry.eventTypes.push(definition.type);
    bySubject.set(subject, entry);
  }

  const existing = new Set(await registry.subjects());
  const reports: SubjectReport[] = [];
  for (const [subject, { schema, eventTypes }] of bySubject) {
    reports.push(await checkSubject(registry, subject, schema, eventTypes, existing.has(subject)));
  }

  const incompatible = reports.filter((report) => report.status === 'incompatible');
  if (asJson) {
    console.log(
      JSON.stringify(
        { registryUrl: redact(registryUrl), platformCompatibility: subjectCompatibility, ok: incompatible.length === 0, subjects: reports },
        null,
        2,
      ),
    );
  } else {
    printTable(registryUrl, reports);
  }
  if (incompatible.length > 0) {
    console.error(
      `\n${incompatible.length} schema(s) are incompatible with the registry: ${incompatible.map((report) => report.subject).join(', ')}.\n` +
        'Make the change compatible (add fields with defaults; never remove, rename or retype a field), ' +
        'or publish the new shape as a new event on a new record name or topic version.',
    );
    return 1;
  }
  return 0;
}

async function checkSubject(
  registry: Registry,
  subject: string,
  schema: object,
  eventTypes: string[],
  exists: boolean,
): Promise<SubjectReport> {
  const report: SubjectReport = { subject, eventTypes, status: 'new', reasons: [], explanations: [], warnings: [] };
  if (!exists) return report;
  report.compatibility = await registry.compatibility(subject);
  if (report.compatibility !== subjectCompatibility) {
    report.warnings.push(
      `the subject's rule is ${report.compatibility ?? 'unset'}, not the platform's ${subjectCompatibility}; provisioning sets it`,
    );
  }
  report.version = await registry.registeredVersion(subject, schema);
  if (report.version !== undefined) {
    report.status = 'registered';
    return report;
  }
  const verdict = await registry.check(subject, schema);
  report.status = verdict.compatible ? 'compatible' : 'incompatible';
  if (!verdict.compatible) {
    report.reasons = verdict.messages.length > 0 ? verdict.messages : await registry.dryRunReasons(subject, schema);
    report.explanations = explain(schema, await registry.versions(subject));
  } else if (report.compatibility !== subjectCompatibility) {
    // Provisioning sets the platform's rule before it registers, so that rule is the one that will judge this schema.
    report.explanations = explain(schema, await registry.versions(subject));
    if (report.explanations.length > 0) {
      report.status = 'incompatible';
      report.warnings.push(
        `the registry accepts it under the subject's rule ${report.compatibility ?? 'NONE'}, but ${subjectCompatibility} (checked here with avsc) refuses it`,
      );
    }
  }
  return report;
}

/** What FULL_TRANSITIVE (the platform's rule) asks: new consumers read every version's records and consumers on every version read the new ones. */
function explain(schema: object, registered: Array<{ version: number; schema: object }>): string[] {
  const explanations: string[] = [];
  const candidate = Type.forSchema(schema as never);
  for (const { version, schema: previous } of registered) {
    const old = Type.forSchema(previous as never);
    const forward = unreadable(old, candidate, []);
    const backward = unreadable(candidate, old, []);
    if (backward) explanations.push(`this schema cannot read version ${version}'s records: ${backward}`);
    if (forward) explanations.push(`consumers on version ${version} cannot read this schema's records: ${forward}`);
  }
  return explanations;
}

/** Why `reader` cannot read what `writer` wrote, at the deepest field avsc lets us name; undefined when it can. */
function unreadable(reader: Type, writer: Type, path: string[]): string | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (error) {
    const at = (name: string): string => [...path, name].join('.');
    if (reader instanceof types.RecordType && writer instanceof types.RecordType) {
      for (const field of reader.fields) {
        const written = writer.field(field.name);
        if (!written && field.defaultValue() === undefined) return `field ${at(field.name)} is missing and has no default`;
        const inner = written && unreadable(field.type, written.type, [...path, field.name]);
        if (inner) return inner;
      }
    }
    if (reader instanceof types.ArrayType && writer instanceof types.ArrayType)
      return unreadable(reader.itemsType, writer.itemsType, [...path, '[]']);
    if (reader instanceof types.MapType && writer instanceof types.MapType)
      return unreadable(reader.valuesType, writer.valuesType, [...path, '{}']);
    const message = (error as Error).message;
    return path.length > 0 ? `field ${path.join('.')}: ${message}` : message;
  }
}

function printTable(registryUrl: string, reports: SubjectReport[]): void {
  const rows = reports.map(
    (report) =>
      [
        report.subject,
        report.status === 'registered' ? `registered (v${report.version})` : report.status,
        report.compatibility ?? '-',
        [
          ...report.reasons.map((reason) => `registry: ${reason}`),
          ...report.explanations,
          ...report.warnings.map((warning) => `warning: ${warning}`),
        ],
      ] as const,
  );
  const headers = ['subject', 'status', 'rule'] as const;
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column].length)));
  const line = (cells: readonly string[]): string => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ');
  console.log(`Schema compatibility against ${redact(registryUrl)} (platform rule ${subjectCompatibility})\n`);
  console.log(`${line(headers)}  notes`);
  console.log(`${line(widths.map((width) => '-'.repeat(width)))}  -----`);
  for (const [subject, status, rule, notes] of rows) {
    console.log(`${line([subject, status, rule])}  ${notes[0] ?? ''}`.trimEnd());
    for (const note of notes.slice(1)) console.log(`${line(['', '', ''])}  ${note}`);
  }
  const count = (status: Status): number => reports.filter((report) => report.status === status).length;
  console.log(
    `\n${reports.length} subjects: ${count('registered')} registered, ${count('compatible')} compatible, ${count('new')} new, ${count('incompatible')} incompatible`,
  );
}

/** The registry calls the check needs: SchemaRegistryAdmin where it has them, plain requests otherwise. */
class Registry {
  private readonly admin: SchemaRegistryAdmin;

  constructor(private readonly baseUrl: string) {
    this.admin = new SchemaRegistryAdmin(plainRegistryConnection(baseUrl));
  }

  subjects(): Promise<string[]> {
    return this.guard(this.admin.listSubjects());
  }

  compatibility(subject: string): Promise<string | undefined> {
    return this.guard(this.admin.getCompatibility(subject));
  }

  check(subject: string, schema: object): Promise<{ compatible: boolean; messages: string[] }> {
    return this.guard(this.admin.checkCompatibility(subject, schema));
  }

  /** The version under which this exact schema (as the registry compares schemas) is registered, if any. */
  async registeredVersion(subject: string, schema: object): Promise<number | undefined> {
    const { status, body } = await this.request('POST', `${this.baseUrl}/subjects/${encodeURIComponent(subject)}`, {
      schema: JSON.stringify(schema),
    });
    if (status === 404) return undefined;
    if (status !== 200) throw new Error(`schema registry answered ${status} looking up ${subject}: ${JSON.stringify(body)}`);
    return Number((body as { version: number }).version);
  }

  async versions(subject: string): Promise<Array<{ version: number; schema: object }>> {
    const listed = await this.request('GET', `${this.baseUrl}/subjects/${encodeURIComponent(subject)}/versions`);
    const versions = listed.status === 200 ? (listed.body as number[]) : [];
    const result: Array<{ version: number; schema: object }> = [];
    for (const version of versions) {
      const { status, body } = await this.request('GET', `${this.baseUrl}/subjects/${encodeURIComponent(subject)}/versions/${version}`);
      if (status === 200) result.push({ version, schema: JSON.parse((body as { schema: string }).schema) as object });
    }
    return result;
  }

  /**
   * Apicurio's Confluent API ignores `verbose` and gives no reasons; its own API does, on a dry-run
   * registration. Other registries: none beyond what the check said.
   */
  async dryRunReasons(subject: string, schema: object): Promise<string[]> {
    const native = this.baseUrl.match(/^(.*)\/apis\/ccompat\/v\d+\/?$/);
    if (!native) return [];
    const { status, body } = await this.request(
      'POST',
      `${native[1]}/apis/registry/v3/groups/default/artifacts/${encodeURIComponent(subject)}/versions?dryRun=true`,
      { content: { content: JSON.stringify(schema), contentType: 'application/json' } },
      'application/json',
    ).catch(() => ({ status: 0, body: undefined }));
    if (status !== 400 && status !== 409) return [];
    const { causes = [], detail } = body as { causes?: Array<{ description: string; context: string }>; detail?: string };
    if (causes.length > 0) return causes.map((cause) => `${cause.description} at ${cause.context}`);
    return detail ? [detail] : [];
  }

  private async request(method: string, target: string, payload?: unknown, type = contentType): Promise<{ status: number; body: unknown }> {
    const response = await this.guard(
      fetch(target, {
        method,
        headers: { accept: `${type}, application/json`, ...(payload === undefined ? {} : { 'content-type': type }) },
        body: payload === undefined ? undefined : JSON.stringify(payload),
      }),
    );
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (a proxy's error page, say): keep the text for the message.
    }
    return { status: response.status, body };
  }

  /** A registry that does not answer (refused, reset, silent) is named, so CI says what to fix. */
  private async guard<T>(call: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RegistryUnavailable(`no answer within ${requestTimeoutMs / 1000} s`)), requestTimeoutMs);
    });
    try {
      return await Promise.race([call, timeout]);
    } catch (error) {
      const unanswered =
        error instanceof RegistryUnavailable ||
        (error as { code?: string }).code === 'registry.unreachable' ||
        (error as Error).message === 'fetch failed';
      if (!unanswered) throw error;
      throw new RegistryUnavailable(`schema registry at ${redact(this.baseUrl)} is unreachable: ${rootCause(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

function rootCause(error: unknown): string {
  let current = error as { message?: string; code?: string; cause?: unknown } | undefined;
  while (current?.cause) current = current.cause as typeof current;
  const message = current?.message ?? String(error);
  return current?.code && !message.includes(current.code) ? `${current.code} ${message}` : message;
}

function redact(target: string): string {
  try {
    const parsed = new URL(target);
    if (parsed.username || parsed.password) {
      parsed.username = '***';
      parsed.password = '';
    }
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return target;
  }
}

async function run(): Promise<number> {
  const { registryUrl } = loadConfig({ registryUrl: url('SCHEMA_REGISTRY_URL', platformDefaults.schemaRegistryUrl) });
  try {
    return await main(registryUrl);
  } catch (error) {
    console.error(
      error instanceof RegistryUnavailable
        ? error.message
        : `schema compatibility check against ${redact(registryUrl)} failed: ${(error as Error).message}`,
    );
    return 1;
  }
}

run().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`schema compatibility check failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
