import { Server } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import fc from 'fast-check';
import { ApiKeyring, createLogger, createServiceHttp, hashApiKey, presentedApiKey, ServiceHttp } from '@consign/service-runtime';
import { TestServer } from './test-server';

/**
 * Property-based fuzzing of the platform's HTTP listeners: requests go out as raw bytes, so the
 * generators can send what no well-behaved client would (any header byte, bad percent-encoding,
 * methods and paths nobody routes). Every suite file runs a bounded number of requests from one
 * seed, fresh each run so that CI keeps exploring, printed in its summary line and in fast-check's
 * report of a failure: FUZZ_SEED=<seed> sends the same requests again.
 */
const fuzzSeed: number = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);

/** fast-check's parameters for a fuzz property of `runs` requests. */
export function fuzzParameters(runs: number): { seed: number; numRuns: number; timeout: number } {
  // A request that hangs fails its run rather than the whole suite's time limit.
  return { seed: fuzzSeed, numRuns: runs, timeout: 10_000 };
}

/** A request as its bytes go on the wire: nothing is validated or normalised on the way. */
export interface WireRequest {
  method: string;
  /** The request target, path and query, as sent. */
  target: string;
  /** Written as Latin-1, the bytes a header may carry; Content-Length is added for a body. */
  headers: ReadonlyArray<readonly [string, string]>;
  body?: Buffer;
}

export interface WireAnswer {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Sends one request on a connection of its own (Connection: close) and reads the answer until the
 * server closes it. Fails when no final status line arrives: the server hung up or stayed silent
 * for `timeoutMs`.
 */
function sendWireRequest(base: string, request: WireRequest, timeoutMs = 8_000): Promise<WireAnswer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    let settled = false;
    const settle = (error?: Error): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      const answer = parseAnswer(Buffer.concat(chunks));
      // A reset after the answer arrived (the server refused before reading the whole body) is still an answer.
      if (answer) resolve(answer);
      else
        reject(
          new Error(
            `no answer to ${request.method} ${request.target.slice(0, 200)}: ${error?.message ?? 'the connection closed without one'}`,
          ),
        );
    };
    socket.setTimeout(timeoutMs, () => settle(new Error(`nothing for ${timeoutMs} ms`)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => settle(error));
    socket.on('close', () => settle());
    let head = `${request.method} ${request.target} HTTP/1.1\r\nhost: ${hostname}:${port}\r\nconnection: close\r\n`;
    for (const [name, value] of request.headers) head += `${name}: ${value}\r\n`;
    if (request.body) head += `content-length: ${request.body.length}\r\n`;
    socket.write(Buffer.from(`${head}\r\n`, 'latin1'));
    if (request.body) socket.write(request.body);
  });
}

const headEnd = Buffer.from('\r\n\r\n');

/** The final answer in what the server sent (interim 1xx answers skipped), or undefined if none is complete. */
function parseAnswer(bytes: Buffer): WireAnswer | undefined {
  for (let from = 0; ;) {
    const end = bytes.indexOf(headEnd, from);
    if (end < 0) return undefined;
    const [statusLine, ...lines] = bytes.toString('latin1', from, end).split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
    if (!status) return undefined;
    from = end + headEnd.length;
    if (status >= 200) {
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      return { status, headers, body: bytes.subarray(from) };
    }
  }
}

/** What a failed assertion shows of an exchange: enough to replay it by hand. */
export function describeExchange(request: WireRequest, answer: WireAnswer): string {
  const body = request.body ? ` with ${request.body.length} bytes ${JSON.stringify(request.body.toString('utf8', 0, 300))}` : '';
  return `${request.method} ${request.target} ${JSON.stringify(request.headers)}${body} answered ${answer.status} ${answer.body.toString('utf8', 0, 600)}`;
}

/** Counts the requests each area sent and the answers' statuses, so that a suite can assert and print how much it fuzzed and what it reached. */
export class FuzzTally {
  private readonly statuses = new Map<string, Map<number, number>>();

  async send(area: string, base: string, request: WireRequest): Promise<WireAnswer> {
    const answer = await sendWireRequest(base, request);
    const statuses = this.statuses.get(area) ?? new Map<number, number>();
    this.statuses.set(area, statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1));
    return answer;
  }

  /** The requests of `area` that were answered. */
  count(area: string): number {
    return [...(this.statuses.get(area)?.values() ?? [])].reduce((sum, count) => sum + count, 0);
  }

  total(): number {
    return [...this.statuses.keys()].reduce((sum, area) => sum + this.count(area), 0);
  }

  /** One line for the run's log: the requests per area with their statuses, the total, the time and the seed. */
  summary(suite: string, startedAt: number): string {
    const areas = [...this.statuses]
      .map(
        ([area, statuses]) =>
          `${area} ${this.count(area)} [${[...statuses]
            .sort(([a], [b]) => a - b)
            .map(([status, count]) => `${status}×${count}`)
            .join(' ')}]`,
      )
      .join(', ');
    return `fuzz ${suite}: ${this.total()} requests (${areas}) in ${((Date.now() - startedAt) / 1000).toFixed(1)} s, FUZZ_SEED=${fuzzSeed}`;
  }
}

const unreserved = /[A-Za-z0-9\-._~]/;

/** `text` percent-encoded byte by byte (UTF-8), so that any text, lone surrogates included, fits a request target. */
function percentEncode(text: string): string {
  let encoded = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const character = String.fromCharCode(byte);
    encoded += unreserved.test(character) ? character : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

/** Text that breaks careless code: empty, huge, unicode of every plane, numbers and keywords as text, injection attempts. */
const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '0',
      '-1',
      '1e309',
      '9'.repeat(40),
      '3.5',
      'NaN',
      'null',
      'true',
      '[]',
      '{}',
      '__proto__',
      'constructor',
      'toString',
      "'; DROP TABLE x; --",
      '%',
      '\u0000',
      '\uD800',
      '\u202Eevil',
      '😀'.repeat(30),
      'a'.repeat(5_000),
      '../../../etc/passwd',
      '2024-02-30',
      '0000-00-00',
      '6f1c2d3e-4a5b-5c6d-8e7f-8091a2b3c4d5',
    ),
  },
);

/** Any value a header may carry on the wire: tab, visible ASCII, and the Latin-1 high bytes. */
export const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({
    unit: fc
      .integer({ min: 0x20, max: 0xff })
      .filter((code) => code !== 0x7f)
      .map((code) => String.fromCharCode(code)),
    maxLength: 60,
  }),
  fc.constantFrom('', ' ', '\t', 'x'.repeat(4_000), 'null', '0', '-1'),
);

/** Headers that frame the request: the sender sets them, generated ones would only desynchronise the connection. */
const framingHeaders = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'expect',
  'upgrade',
  'te',
  'trailer',
  'keep-alive',
]);

/** Extra headers of any name and value. */
export const extraHeaders: fc.Arbitrary<Array<[string, string]>> = fc.array(
  fc
    .tuple(
      fc.oneof(
        fc.stringMatching(/^[a-z][a-z0-9-]{0,24}$/),
        fc.constantFrom('x-forwarded-for', 'x-request-id', 'accept', 'accept-encoding', 'cookie', 'range', 'if-none-match', 'origin'),
      ),
      headerValue,
    )
    .filter(([name]) => !framingHeaders.has(name)),
  { maxLength: 4 },
);

/** A path segment: mostly any text percent-encoded, sometimes encodings a router must survive decoding. */
const pathSegment: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: hostileText.map(percentEncode) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('%', '%E0%A4%A', '%zz', '%00', '%2F', '%2e%2e', '..', '.', '%C0%AF', '%FF%FE', ';a=1', '*', ':id'),
  },
);

/**
 * A query string: each parameter a route reads present or not, with a value of its own (`valueOf`),
 * sometimes followed by what no client should send (a repeated or bracketed name, a bad encoding).
 */
export function queryString(names: readonly string[], valueOf: (name: string) => fc.Arbitrary<string>): fc.Arbitrary<string> {
  const parameters = fc.tuple(
    ...names.map((name) =>
      fc.option(
        valueOf(name).map((value) => `${name}=${percentEncode(value)}`),
        { freq: 3 },
      ),
    ),
  );
  const anyName = names.length > 0 ? fc.oneof(fc.constantFrom(...names), pathSegment) : pathSegment;
  const odd = fc.oneof(
    fc.tuple(anyName, hostileText).map(([name, value]) => `${name}=${percentEncode(value)}`),
    fc.tuple(anyName, pathSegment).map(([name, value]) => `${name}=${value}`),
    anyName.map((name) => `${name}[a]=1`),
    anyName,
    fc.constantFrom('', '&', '=', '=='),
  );
  return fc.tuple(parameters, fc.array(odd, { maxLength: 3 }), fc.boolean()).map(([present, extra, marked]) => {
    const pairs = [...present.filter((pair) => pair !== null), ...extra];
    return pairs.length > 0 ? `?${pairs.join('&')}` : marked ? '?' : '';
  });
}

/** JSON of random shapes, unicode strings and numbers of any size among them. */
const jsonValue: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' });

/** A request body: JSON of random shapes, random bytes, or text that is almost JSON. */
export const hostileBody: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 3, arbitrary: jsonValue.map((value) => Buffer.from(JSON.stringify(value) ?? 'null')) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        '',
        '{',
        '{"a":',
        '[1,2',
        'null',
        '"x"',
        '{"a":1}{"b":2}',
        `{"n":${'9'.repeat(400)}}`,
        `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
      )
      .map((text) => Buffer.from(text)),
  },
);

/** A key of each kind an internal API meets: each scope, and a scope granted on another app only. */
const fuzzKeys = {
  keyring: new ApiKeyring([
    { name: 'reader', sha256: hashApiKey('fuzz-read-key'), scopes: ['read'] },
    { name: 'operator', sha256: hashApiKey('fuzz-admin-key'), scopes: ['admin'] },
    { name: 'scraper', sha256: hashApiKey('fuzz-metrics-key'), scopes: ['metrics'] },
    { name: 'elsewhere', sha256: hashApiKey('fuzz-elsewhere-key'), scopes: ['read:some-other-app', 'admin:some-other-app'] },
  ]),
  byScope: { read: 'fuzz-read-key', admin: 'fuzz-admin-key', metrics: 'fuzz-metrics-key', elsewhere: 'fuzz-elsewhere-key' },
} as const;

/**
 * An internal listener as a service builds it (request ids, key checks, problem bodies, 404s)
 * behind `fuzzKeys`, on a free port; `mount` adds the routes and their guards.
 */
export async function startGuardedServer(name: string, mount: (http: ServiceHttp) => void): Promise<TestServer> {
  const http = createServiceHttp({ service: name, logger: createLogger(name, 'silent'), readiness: [], apiKeys: fuzzKeys.keyring });
  mount(http);
  http.finish();
  const server: Server = http.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A route of an internal API, as its router declares it. */
interface ApiRoute {
  method: 'GET' | 'POST';
  /** Express' path, `:name` for each parameter. */
  path: string;
  /** The query parameters it reads. */
  query?: readonly string[];
  /** Whether it reads a JSON body; `samples` are bodies it accepts, sent as they are or mutated. */
  body?: { samples: readonly unknown[] };
  /** How often it is picked against the others (1 unless told): more for a route whose work lies past many checks. */
  weight?: number;
}

interface ApiFuzzTarget {
  routes: readonly ApiRoute[];
  /** Values that exist, by parameter or query name: a request reaches rows as well as refusals. */
  knownValues?: Readonly<Record<string, readonly string[]>>;
  /** The keys a request may present, beside none, unknown and garbled ones; the first ones most often. */
  keys: { granted: readonly string[]; others: readonly string[] };
}

const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** Requests to an internal API: its routes with any ids, query and body, presenting any key or none, and paths and methods nobody routes. */
function apiRequests(target: ApiFuzzTarget): fc.Arbitrary<WireRequest> {
  const known = target.knownValues ?? {};
  // Mostly values that exist, so that requests reach the rows and not only the refusals.
  const valueOf = (name: string): fc.Arbitrary<string> =>
    known[name]?.length
      ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known[name]) }, { weight: 1, arbitrary: hostileText })
      : hostileText;
  const segment = (part: string): fc.Arbitrary<string> =>
    part.startsWith(':')
      ? fc.oneof({ weight: 4, arbitrary: valueOf(part.slice(1)).map(percentEncode) }, { weight: 1, arbitrary: pathSegment })
      : fc.constant(part);
  const routed = fc.oneof(...target.routes.map((route) => ({ weight: route.weight ?? 1, arbitrary: fc.constant(route) }))).chain((route) =>
    fc.record({
      method: fc.oneof({ weight: 8, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom(...methods) }),
      path: fc.tuple(...route.path.split('/').map(segment)).map((parts) => parts.join('/')),
      suffix: fc.oneof({ weight: 8, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('/', '//', '/extra', '%2F') }),
      query: queryString(route.query ?? [], valueOf),
      body: route.body ? fc.option(bodyLike(route.body.samples), { freq: 8 }) : fc.option(hostileBody, { freq: 2 }),
    }),
  );
  const unrouted = fc.record({
    method: fc.oneof(fc.constantFrom(...methods), fc.stringMatching(/^[A-Z]{1,12}$/)),
    path: fc.array(pathSegment, { maxLength: 4 }).map((parts) => `/${parts.join('/')}`),
    suffix: fc.constant(''),
    query: queryString([], () => hostileText),
    body: fc.option(hostileBody, { freq: 2 }),
  });
  return fc
    .record({
      route: fc.oneof({ weight: 5, arbitrary: routed }, { weight: 1, arbitrary: unrouted }),
      key: presentedKey(target.keys),
      contentType: fc.oneof(
        { weight: 8, arbitrary: fc.constant('application/json') },
        { weight: 1, arbitrary: fc.constantFrom('application/json; charset=utf-16', 'text/plain', 'application/x-www-form-urlencoded') },
        { weight: 1, arbitrary: headerValue },
      ),
      accept: fc.option(fc.oneof(fc.constantFrom('text/csv', 'application/json', '*/*', 'text/csv;q=0.1, application/json'), headerValue)),
      extra: extraHeaders,
    })
    .map(({ route, key, contentType, accept, extra }) => ({
      method: route.method,
      target: `${route.path}${route.suffix}${route.query}`,
      headers: [
        ...key,
        ...(route.body ? [['content-type', contentType] as const] : []),
        ...(accept === null ? [] : [['accept', accept] as const]),
        ...extra,
      ],
      ...(route.body ? { body: route.body } : {}),
    }));
}

/** A body a route accepts as it is (so that requests get through to the work), with mutated fields, or anything at all. */
function bodyLike(samples: readonly unknown[]): fc.Arbitrary<Buffer> {
  const sample = fc.constantFrom(...samples);
  return fc.oneof(
    { weight: 3, arbitrary: sample.map(jsonBytes) },
    { weight: 4, arbitrary: sample.chain(mutatedJson).map(jsonBytes) },
    { weight: 1, arbitrary: hostileBody },
  );
}

/** The headers that present a key: mostly one the routes grant, as the API asks; else any key, in any spelling, or none. */
function presentedKey(keys: ApiFuzzTarget['keys']): fc.Arbitrary<Array<[string, string]>> {
  const key = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...keys.granted) },
    { weight: 2, arbitrary: fc.constantFrom(...keys.others) },
    { weight: 1, arbitrary: headerValue },
  );
  return fc.oneof(
    { weight: 8, arbitrary: key.map((value): Array<[string, string]> => [['authorization', `Bearer ${value}`]]) },
    { weight: 3, arbitrary: key.map((value): Array<[string, string]> => [['x-api-key', value]]) },
    {
      weight: 1,
      arbitrary: fc.tuple(key, key).map(([first, second]): Array<[string, string]> => [
        ['authorization', `bearer  ${first}`],
        ['x-api-key', second],
      ]),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('Basic ', 'Bearer', 'Token ', ''), key)
        .map(([scheme, value]): Array<[string, string]> => [['authorization', `${scheme}${value}`]]),
    },
    { weight: 1, arbitrary: fc.constant<Array<[string, string]>>([]) },
  );
}

/**
 * What a request presents, as the service's key check reads it: the caller the keyring knows, if any.
 * Used to assert that nothing but the probes answers 2xx to a caller without a key.
 */
function presentedCaller(request: WireRequest, keyring: ApiKeyring): string | undefined {
  // As Node reads them: values without surrounding whitespace. These headers are never repeated here.
  const header = (name: string) =>
    request.headers.find(([candidate]) => candidate.toLowerCase() === name)?.[1].replace(/^[ \t]+|[ \t]+$/g, '');
  return keyring.identify(presentedApiKey(header))?.name;
}

/** The probes: the only paths an app answers without a key (Express matches paths ignoring case and a trailing slash). */
function isUnguardedPath(target: string): boolean {
  const path = target.split('?')[0].toLowerCase().replace(/\/+$/, '');
  return path === '/healthz' || path === '/readyz';
}

/**
 * Fuzzes an internal API served by startGuardedServer: every answer is below 500, nothing but the
 * probes answers 2xx to a caller without a known key, and the app still answers afterwards.
 */
export async function fuzzApi<TState = undefined>(
  tally: FuzzTally,
  area: string,
  base: string,
  target: Omit<ApiFuzzTarget, 'keys'> & { scopes: ReadonlyArray<'read' | 'admin'> },
  runs: number,
  /** What the API reads besides the request (a stand-in's content), generated with it and put in place before it is sent. */
  state?: { arbitrary: fc.Arbitrary<TState>; arrange(value: TState): void },
): Promise<void> {
  const all = Object.entries(fuzzKeys.byScope);
  const grants = ([scope]: [string, string]) => (target.scopes as readonly string[]).includes(scope);
  const keys = { granted: all.filter(grants).map(([, key]) => key), others: all.filter((entry) => !grants(entry)).map(([, key]) => key) };
  const arranged = state?.arbitrary ?? fc.constant(undefined as TState);
  await fc.assert(
    fc.asyncProperty(apiRequests({ ...target, keys }), arranged, async (request, value) => {
      state?.arrange(value);
      const answer = await tally.send(area, base, request);
      if (answer.status >= 500) throw new Error(`server error: ${describeExchange(request, answer)}`);
      if (answer.status < 300 && presentedCaller(request, fuzzKeys.keyring) === undefined && !isUnguardedPath(request.target)) {
        throw new Error(`answered without a known key: ${describeExchange(request, answer)}`);
      }
    }),
    fuzzParameters(runs),
  );
  const health = await sendWireRequest(base, { method: 'GET', target: '/healthz', headers: [] });
  if (health.status !== 200) throw new Error(`the app no longer answers /healthz: ${health.status}`);
}

/** A JSON value to send as a body, bigints written as their digits. */
function jsonBytes(value: unknown): Buffer {
  return Buffer.from(jsonText(value));
}

/**
 * JSON text of a value whose numbers may be bigints (written exactly) or numbers JSON.stringify
 * cannot write (written as the literal overflow a sender might send: 1e999).
 */
export function jsonText(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'null' : `${value < 0 ? '-' : ''}1e999`;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}:${jsonText(item)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A replacement for one field: a value of another type, an edge of its own type, or JSON of any shape. */
export const fieldReplacement: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: jsonValue },
  { weight: 1, arbitrary: hostileText },
  {
    weight: 1,
    arbitrary: fc.constantFrom(null, true, false, 0, -1, -0.5, 1.5, 2 ** 53, -(2 ** 63), Infinity, [], {}, [null], { id: null }),
  },
  // Around 64 bits, where ids live: 20 digits at most, the gateway's limit.
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 66n), max: 2n ** 66n }) },
  { weight: 1, arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }) },
);

/** Every path to a value inside `value` (keys and indexes), the root excluded. */
function jsonPaths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof value !== 'object' || value === null) return [];
  const entries: Array<[string | number, unknown]> = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  return entries.flatMap(([key, item]) => [[...prefix, key], ...jsonPaths(item, [...prefix, key])]);
}

type Mutation = { path: Array<string | number>; change: 'replace' | 'delete' | 'add'; value: unknown };

/** `sample` (JSON) with one to four fields replaced, deleted or added. */
export function mutatedJson(sample: unknown): fc.Arbitrary<unknown> {
  const paths = jsonPaths(sample);
  if (paths.length === 0) return fieldReplacement;
  const mutation: fc.Arbitrary<Mutation> = fc.record({
    path: fc.constantFrom(...paths),
    change: fc.constantFrom('replace', 'replace', 'delete', 'add'),
    value: fieldReplacement,
  });
  return fc.array(mutation, { minLength: 1, maxLength: 4 }).map((mutations) => mutations.reduce(applyMutation, structuredClone(sample)));
}

function applyMutation(root: unknown, { path, change, value }: Mutation): unknown {
  let parent = root as Record<string | number, unknown> | unknown[];
  for (const key of path.slice(0, -1)) {
    const next = (parent as Record<string | number, unknown>)[key];
    // An earlier mutation replaced or deleted a container on the way: this one has nothing to change.
    if (typeof next !== 'object' || next === null) return root;
    parent = next as Record<string | number, unknown>;
  }
  const last = path[path.length - 1];
  if (change === 'add') {
    if (Array.isArray(parent)) parent.push(value);
    else (parent as Record<string, unknown>)[`${String(last)}_extra`] = value;
  } else if (change === 'delete') {
    if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
    else delete (parent as Record<string | number, unknown>)[last];
  } else {
    (parent as Record<string | number, unknown>)[last] = value;
  }
  return root;
}
