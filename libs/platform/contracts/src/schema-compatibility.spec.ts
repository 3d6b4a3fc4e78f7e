import { randomBytes } from 'node:crypto';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { platformDefaults } from '@consign/config';
import { subjectCompatibility } from './events';

/**
 * Against the real registry: which schema changes the platform's compatibility rule lets through.
 * Each run uses its own subjects and deletes them afterwards.
 */
const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? platformDefaults.schemaRegistryUrl;
const contentType = 'application/vnd.schemaregistry.v1+json';
const runId = randomBytes(4).toString('hex');
const subjects: string[] = [];
const levels = new Map<string, string>();
const registry = new SchemaRegistry({ host: registryUrl, clientId: 'contracts-compatibility-test' });

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${registryUrl}${path}`, {
    method,
    headers: { accept: contentType, 'content-type': contentType },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** A fresh subject whose rule is set before anything is registered: Apicurio's default for a subject without one is NONE. */
async function subjectWith(level: string, label: string): Promise<string> {
  const subject = `test.contracts.${runId}-${label}`;
  subjects.push(subject);
  const { status } = await call('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level });
  expect(status).toBe(200);
  levels.set(subject, level);
  return subject;
}

/** As producers register: the client first checks that the subject's rule is the one it expects. */
async function register(subject: string, schema: object): Promise<number> {
  const { id } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
    { subject, compatibility: levels.get(subject) as never },
  );
  return id;
}

async function check(subject: string, schema: object): Promise<{ compatible: boolean; messages: string[] }> {
  const { status, body } = await call('POST', `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest?verbose=true`, {
    schema: JSON.stringify(schema),
  });
  expect(status).toBe(200);
  return { compatible: body.is_compatible === true, messages: Array.isArray(body.messages) ? body.messages.map(String) : [] };
}

async function versions(subject: string): Promise<number[]> {
  return (await call('GET', `/subjects/${encodeURIComponent(subject)}/versions`)).body as unknown as number[];
}

const record = (fields: object[]): object => ({ type: 'record', name: 'Sample', namespace: `test.contracts.r${runId}`, fields });
const base = record([
  { name: 'orderId', type: 'string' },
  { name: 'quantity', type: 'string' },
]);
const withOptionalField = record([
  { name: 'orderId', type: 'string' },
  { name: 'quantity', type: 'string' },
  { name: 'note', type: ['null', 'string'], default: null },
]);
const withoutRequiredField = record([{ name: 'orderId', type: 'string' }]);
const withChangedType = record([
  { name: 'orderId', type: 'string' },
  { name: 'quantity', type: 'int' },
]);

afterAll(async () => {
  for (const subject of subjects) {
    await call('DELETE', `/subjects/${encodeURIComponent(subject)}`);
    await call('DELETE', `/subjects/${encodeURIComponent(subject)}?permanent=true`);
  }
});

describe(`schema evolution under the platform's rule (${subjectCompatibility}, real registry)`, () => {
  let subject: string;

  beforeAll(async () => {
    subject = await subjectWith(subjectCompatibility, 'platform');
    await register(subject, base);
  });

  it('accepts a new optional field with a default and registers it as a new version', async () => {
    expect(await check(subject, withOptionalField)).toMatchObject({ compatible: true });
    await register(subject, withOptionalField);
    expect(await versions(subject)).toEqual([1, 2]);
  });

  it('refuses removing a required field, naming the field', async () => {
    const verdict = await check(subject, withoutRequiredField);
    expect(verdict.compatible).toBe(false);
    // Apicurio 3.3 ignores verbose=true and gives no messages; Confluent lists them.
    if (verdict.messages.length > 0) expect(verdict.messages.join('\n')).toMatch(/quantity/);
    // Apicurio: "Incompatible artifact: <subject> [AVRO], num of incompatible diffs: {1}, list of diff types: [quantity at /fields/1]"
    await expect(register(subject, withoutRequiredField)).rejects.toThrow(/incompatible.*quantity/i);
    expect(await versions(subject)).toEqual([1, 2]);
  });

  it('refuses changing a field type, saying where', async () => {
    const verdict = await check(subject, withChangedType);
    expect(verdict.compatible).toBe(false);
    if (verdict.messages.length > 0) expect(verdict.messages.join('\n')).toMatch(/\/fields\/1\/type/);
    // Apicurio: "... [reader type: INT not compatible with writer type: STRING at /fields/1/type, reader type: STRING not compatible with writer type: INT at /fields/1/type]"
    await expect(register(subject, withChangedType)).rejects.toThrow(/incompatible.*\/fields\/1\/type/i);
    expect(await versions(subject)).toEqual([1, 2]);
  });

  it('answers a refused registration with 409 and the reason in the body', async () => {
    const refused = await call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema: JSON.stringify(withChangedType) });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error_code: 409, message: expect.stringMatching(/incompatible/i) });
  });

  it('refuses a type change made in two compatible-looking steps (why TRANSITIVE)', async () => {
    const stepwise = await subjectWith(subjectCompatibility, 'stepwise');
    await register(
      stepwise,
      record([
        { name: 'orderId', type: 'string' },
        { name: 'quantity', type: 'string', default: '1' },
      ]),
    );
    await register(stepwise, withoutRequiredField);
    await expect(
      register(
        stepwise,
        record([
          { name: 'orderId', type: 'string' },
          { name: 'quantity', type: 'int', default: 1 },
        ]),
      ),
    ).rejects.toThrow(/incompatible.*\/fields\/1\/type/i);
  });
});

describe('why not the weaker rules (real registry)', () => {
  it('BACKWARD lets a required field be removed, which breaks consumers still on the old schema', async () => {
    const subject = await subjectWith('BACKWARD', 'backward');
    await register(subject, base);
    expect(await check(subject, withoutRequiredField)).toMatchObject({ compatible: true });
    expect(await check(subject, withOptionalField)).toMatchObject({ compatible: true });
    expect(await check(subject, withChangedType)).toMatchObject({ compatible: false });
  });

  it('plain FULL lets a type change through in two steps', async () => {
    const subject = await subjectWith('FULL', 'full');
    await register(
      subject,
      record([
        { name: 'orderId', type: 'string' },
        { name: 'quantity', type: 'string', default: '1' },
      ]),
    );
    await register(subject, withoutRequiredField);
    await register(
      subject,
      record([
        { name: 'orderId', type: 'string' },
        { name: 'quantity', type: 'int', default: 1 },
      ]),
    );
    expect(await versions(subject)).toEqual([1, 2, 3]);
  });
});
