import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Router } from 'express';
import { ConfigError } from '@consign/config';
import { ApiKeyring, hashApiKey } from '@consign/service-runtime';
import {
  configurationReferenceProblems,
  createTemporaryDatabase,
  startTestServer,
  TemporaryDatabase,
  TestServer,
  testEndpoints,
} from '@consign/test-support';
import { optionTypesOf, runCli } from '../src/cli';
import { planConsoleRun } from '../src/console/console-commands';
import { ConsoleRunner, ConsoleRuns, createConsoleApp } from '../src/console/console-server';
import { consoleSettingSpec, ConsoleSettings, loadConsoleSettings } from '../src/console/console-settings';

describe('operator console', () => {
  let database: TemporaryDatabase;
  let gateway: TestServer;
  let server: Server;
  let base: string;
  let clock = Date.now();
  const historyCalls: Array<{ authorization?: string; query: Record<string, unknown> }> = [];
  const keys = new ApiKeyring([
    { name: 'alice', sha256: hashApiKey('alice-key'), scopes: ['read', 'admin'] },
    { name: 'reader', sha256: hashApiKey('reader-key'), scopes: ['read:console'] },
    { name: 'earnings-admin', sha256: hashApiKey('earnings-key'), scopes: ['admin:earnings-service'] },
  ]);
  const settings: ConsoleSettings = { port: 0, host: '127.0.0.1', apiKeys: keys, tls: 'off', sessionIdleMs: 60_000 };
  const progressLines: string[] = [];
  let quietForMs = 0;

  function runner(env: NodeJS.ProcessEnv): ConsoleRunner {
    return {
      optionsOf: optionTypesOf,
      run: async (argv, io) => {
        // The streaming protocol is the server's; a line of progress stands for a long command's.
        for (const line of progressLines) io.progress(line);
        if (quietForMs) await new Promise((resolve) => setTimeout(resolve, quietForMs));
        return runCli(argv, { env, ...io });
      },
    };
  }

  async function listen(app: ReturnType<typeof createConsoleApp>): Promise<{ server: Server; base: string }> {
    const listening = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => listening.once('listening', resolve));
    return { server: listening, base: `http://127.0.0.1:${(listening.address() as AddressInfo).port}` };
  }

  beforeAll(async () => {
    database = await createTemporaryDatabase(testEndpoints().postgresServerUrl, 'consign_console_test');
    const routes = Router();
    routes.get('/admin/delivery-history', (req, res) => {
      historyCalls.push({ authorization: req.get('authorization'), query: { ...req.query } });
      res.json({
        deliveries: [
          {
            id: '1',
            requestId: 'r1',
            receivedAt: '2026-12-07T05:00:00.000Z',
            source: 'shopify',
            tenantId: 'dev-store',
            topic: 'orders/create',
            deliveryId: 'wh-1',
            deliveryKey: null,
            subjectId: '820982911946154500',
            eventId: 'e1',
            outcome: 'published',
            reason: null,
            detail: null,
            httpStatus: 200,
            sourceAddress: '203.0.113.9',
            headers: {},
            publishedTo: [],
          },
        ],
        nextCursor: null,
      });
    });
    gateway = await startTestServer('console-gateway-stand-in', routes);
    const env = { ...process.env, NODE_ENV: 'development', OPERATIONS_DATABASE_URL: database.url, OPS_GATEWAY_URL: gateway.base };
    ({ server, base } = await listen(createConsoleApp(settings, runner(env), { now: () => clock })));
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await gateway?.close();
    await database?.drop();
  });

  async function signIn(
    key: string,
    target = base,
  ): Promise<{ status: number; cookie?: string; setCookie: string | null; body: Record<string, unknown> }> {
    const response = await fetch(`${target}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-consign-console': '1' },
      body: JSON.stringify({ apiKey: key }),
    });
    const setCookie = response.headers.get('set-cookie');
    return {
      status: response.status,
      cookie: setCookie?.split(';')[0],
      setCookie,
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  async function runCommand(cookie: string | undefined, body: unknown, headers: Record<string, string> = { 'x-consign-console': '1' }) {
    const response = await fetch(`${base}/console/api/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}), ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      lines: response.headers.get('content-type')?.includes('ndjson')
        ? text
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line) as Record<string, unknown>)
        : [JSON.parse(text) as Record<string, unknown>],
    };
  }

  it('serves its pages with a policy that allows no script but its own', async () => {
    const page = await fetch(`${base}/console/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="console.js">');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const script = await fetch(`${base}/console/console.js`);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    // Text from the platform goes into the page as text only.
    expect(await script.text()).not.toMatch(/innerHTML|insertAdjacentHTML|document\.write/);
  });

  it('signs in only with a key that has the read scope on console, in an HttpOnly, SameSite=Strict cookie', async () => {
    expect(await signIn('not-a-key')).toMatchObject({ status: 401, body: { code: 'console.key_unknown' }, setCookie: null });
    expect(await signIn('earnings-key')).toMatchObject({ status: 403, body: { code: 'console.forbidden' }, setCookie: null });
    const alice = await signIn('alice-key');
    expect(alice).toMatchObject({ status: 201, body: { operator: 'alice', mayChange: true } });
    expect(alice.setCookie).toMatch(/HttpOnly/);
    expect(alice.setCookie).toMatch(/SameSite=Strict/);
    expect(alice.setCookie).toMatch(/Path=\/console/);
    expect(alice.setCookie).not.toMatch(/Secure/);
    expect(await signIn('reader-key')).toMatchObject({ status: 201, body: { operator: 'reader', mayChange: false } });
  });

  it('marks the cookie Secure whenever the browser reaches it over TLS', async () => {
    const behindProxy = await listen(createConsoleApp({ ...settings, tls: 'proxy' }, runner({})));
    try {
      expect((await signIn('alice-key', behindProxy.base)).setCookie).toMatch(/Secure/);
    } finally {
      await new Promise((resolve) => behindProxy.server.close(resolve));
    }
  });

  it('runs a command for the signed-in operator, with their key presented downstream', async () => {
    const { cookie } = await signIn('alice-key');
    progressLines.push('2 of 4 (50 %)');
    try {
      const answer = await runCommand(cookie, { command: 'deliveries list', options: { subject: '820982911946154500', limit: '5' } });
      expect(answer.status).toBe(200);
      expect(answer.type).toContain('application/x-ndjson');
      expect(answer.lines[0]).toEqual({ progress: '2 of 4 (50 %)' });
      expect(answer.lines.at(-1)).toMatchObject({ exitCode: 0, result: { deliveries: [expect.objectContaining({ deliveryId: 'wh-1' })] } });
    } finally {
      progressLines.length = 0;
    }
    expect(historyCalls.at(-1)).toEqual({
      authorization: 'Bearer alice-key',
      query: expect.objectContaining({ subject: '820982911946154500', limit: '5' }),
    });
  });

  it('refuses a run without a session, and a state-changing request without its header', async () => {
    expect(await runCommand(undefined, { command: 'deliveries list' })).toMatchObject({
      status: 401,
      lines: [{ code: 'console.signed_out' }],
    });
    const { cookie } = await signIn('alice-key');
    expect(await runCommand(cookie, { command: 'deliveries list' }, {})).toMatchObject({
      status: 403,
      lines: [{ code: 'console.request_forged' }],
    });
  });

  it('answers a bad request with 400 naming what is wrong, before running anything', async () => {
    const { cookie } = await signIn('alice-key');
    const calls = historyCalls.length;
    expect(await runCommand(cookie, { command: 'tenants remove' })).toMatchObject({
      status: 400,
      lines: [{ code: 'console.request_invalid', parameter: 'command' }],
    });
    expect(await runCommand(cookie, { command: 'deliveries list', options: { 'api-key': 'dev-admin-key' } })).toMatchObject({
      status: 400,
      lines: [{ parameter: 'options.api-key' }],
    });
    expect(await runCommand(cookie, { command: 'deliveries list', mode: 'apply' })).toMatchObject({
      status: 400,
      lines: [{ parameter: 'mode' }],
    });
    // The CLI's own check of the command line, answered as a 400 with its message.
    expect(await runCommand(cookie, { command: 'deliveries list', options: { limit: 'lots' } })).toMatchObject({
      status: 400,
      lines: [{ code: 'console.request_invalid', detail: expect.stringContaining('--limit must be a whole number') }],
    });
    expect(historyCalls.length).toBe(calls);
  });

  it("keeps a quiet command's answer open with heartbeats, for proxies that time out silent requests", async () => {
    const { cookie } = await signIn('alice-key');
    quietForMs = 2500;
    try {
      const answer = await runCommand(cookie, { command: 'deliveries list' });
      expect(answer.lines[0]).toEqual({});
      expect(answer.lines.at(-1)).toMatchObject({ exitCode: 0 });
    } finally {
      quietForMs = 0;
    }
  });

  it('does not quote a body it cannot read, which may hold a key', async () => {
    const response = await fetch(`${base}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-consign-console': '1' },
      body: '{"apiKey": "alice-ke',
    });
    const body = await response.text();
    expect(response.status).toBe(400);
    expect(body).toContain('not valid JSON');
    expect(body).not.toContain('alice-ke');
  });

  it('refuses new commands while stopping, and waits for those running', async () => {
    const runs = new ConsoleRuns();
    const stopping = await listen(createConsoleApp(settings, runner({}), { runs }));
    try {
      let finish: (value: number) => void = () => undefined;
      runs.track(new Promise<number>((resolve) => (finish = resolve)));
      const drained = runs.drain(10_000);
      const { cookie } = await signIn('alice-key', stopping.base);
      const refused = await fetch(`${stopping.base}/console/api/run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-consign-console': '1', cookie: cookie as string },
        body: JSON.stringify({ command: 'audit' }),
      });
      expect({ status: refused.status, body: await refused.json() }).toMatchObject({ status: 503, body: { code: 'console.stopping' } });
      finish(0);
      await expect(drained).resolves.toBe(0);
      await expect(new ConsoleRuns().drain(10)).resolves.toBe(0);
      const stuck = new ConsoleRuns();
      stuck.track(new Promise(() => undefined));
      await expect(stuck.drain(50)).resolves.toBe(1);
    } finally {
      await new Promise((resolve) => stopping.server.close(resolve));
    }
  });

  it('lets a read-only key preview a change but not apply it', async () => {
    const { cookie } = await signIn('reader-key');
    const apply = await runCommand(cookie, { command: 'deadletters purge', mode: 'apply', options: { service: 'inventory-service' } });
    expect(apply).toMatchObject({ status: 403, lines: [{ code: 'console.forbidden', scope: 'admin' }] });
  });

  it('ends a session when its operator signs out, and after it idles', async () => {
    const first = await signIn('alice-key');
    await fetch(`${base}/console/api/session`, { method: 'DELETE', headers: { cookie: first.cookie as string, 'x-consign-console': '1' } });
    expect((await fetch(`${base}/console/api/session`, { headers: { cookie: first.cookie as string } })).status).toBe(401);
    const second = await signIn('alice-key');
    expect((await fetch(`${base}/console/api/session`, { headers: { cookie: second.cookie as string } })).status).toBe(200);
    clock += 61_000;
    expect((await fetch(`${base}/console/api/session`, { headers: { cookie: second.cookie as string } })).status).toBe(401);
  });

  it('behind the TLS proxy, counts failed sign-ins per browser address, not per proxy', async () => {
    const proxied = await listen(createConsoleApp({ ...settings, tls: 'proxy' }, runner({}), { now: () => clock }));
    const from = (address: string, key: string) =>
      fetch(`${proxied.base}/console/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-consign-console': '1', 'x-forwarded-for': `${address}, 10.0.0.1` },
        body: JSON.stringify({ apiKey: key }),
      });
    try {
      for (let attempt = 0; attempt < 10; attempt += 1) expect((await from('203.0.113.7', `guess-${attempt}`)).status).toBe(401);
      expect((await from('203.0.113.7', 'alice-key')).status).toBe(429);
      expect((await from('198.51.100.4', 'alice-key')).status).toBe(201);
    } finally {
      await new Promise((resolve) => proxied.server.close(resolve));
    }
  });

  it('slows down guessing: the eleventh failed sign-in in a minute waits', async () => {
    const throttled = await listen(createConsoleApp(settings, runner({}), { now: () => clock }));
    try {
      for (let attempt = 0; attempt < 10; attempt += 1) expect((await signIn(`guess-${attempt}`, throttled.base)).status).toBe(401);
      expect(await signIn('alice-key', throttled.base)).toMatchObject({ status: 429, body: { code: 'console.sign_in_throttled' } });
      clock += 61_000;
      expect((await signIn('alice-key', throttled.base)).status).toBe(201);
    } finally {
      await new Promise((resolve) => throttled.server.close(resolve));
    }
  });
});

describe('console requests as command lines', () => {
  const options = {
    'delivery-id': { type: 'string' as const, multiple: true },
    all: { type: 'boolean' as const, multiple: false },
    json: { type: 'boolean' as const, multiple: false },
  };

  it('puts values after "=" and operands after "--", so no value reads as an option', () => {
    expect(
      planConsoleRun({ command: 'webhooks replay', mode: 'preview', options: { 'delivery-id': ['A', '--yes'] } }, () => options),
    ).toEqual({
      command: 'webhooks replay',
      mode: 'preview',
      scope: 'read',
      args: ['webhooks', 'replay', '--delivery-id=A', '--delivery-id=--yes', '--dry-run', '--json'],
      operands: [],
    });
    expect(planConsoleRun({ command: 'deadletters redrive', mode: 'apply', operands: ['--all'] }, () => options)).toMatchObject({
      scope: 'admin',
      args: ['deadletters', 'redrive', '--yes', '--json'],
      operands: ['--all'],
    });
  });

  it('leaves out of a preview what only applying takes, and refuses the test-only topics', () => {
    const offsets = {
      group: { type: 'string' as const, multiple: false },
      'stop-members': { type: 'boolean' as const, multiple: false },
      'to-latest': { type: 'boolean' as const, multiple: false },
    };
    const request = { command: 'offsets reset', options: { group: 'g', 'stop-members': true, 'to-latest': true } };
    expect(planConsoleRun({ ...request, mode: 'preview' }, () => offsets).args).toEqual([
      'offsets',
      'reset',
      '--group=g',
      '--to-latest',
      '--dry-run',
      '--json',
    ]);
    expect(planConsoleRun({ ...request, mode: 'apply' }, () => offsets).args).toEqual([
      'offsets',
      'reset',
      '--group=g',
      '--stop-members',
      '--to-latest',
      '--yes',
      '--json',
    ]);
    expect(() =>
      planConsoleRun({ command: 'webhooks replay', mode: 'preview', options: { 'archive-topic': 'elsewhere' } }, () => ({
        'archive-topic': { type: 'string', multiple: false },
      })),
    ).toThrow('no option --archive-topic the console may set');
    expect(() => planConsoleRun({ command: 'audit', options: { constructor: 'x' } }, () => ({}))).toThrow('no option --constructor');
  });

  it('refuses a switch given a value, and text given to a switch', () => {
    expect(() => planConsoleRun({ command: 'deadletters redrive', mode: 'preview', options: { all: 'yes' } }, () => options)).toThrow(
      '--all is a switch',
    );
    expect(() =>
      planConsoleRun({ command: 'deadletters redrive', mode: 'preview', options: { all: true, 'delivery-id': [3] } }, () => options),
    ).toThrow('--delivery-id takes');
  });
});

describe('console settings', () => {
  it('defaults to TLS outside development, and refuses plain HTTP there', () => {
    expect(() => loadConsoleSettings({ API_KEYS: JSON.stringify([{ name: 'a', sha256: hashApiKey('k'), scopes: ['read'] }]) })).toThrow(
      ConfigError,
    );
    expect(() => loadConsoleSettings({ API_KEYS: JSON.stringify([{ name: 'a', sha256: hashApiKey('k'), scopes: ['read'] }]) })).toThrow(
      /CONSOLE_TLS_CERT and CONSOLE_TLS_KEY/,
    );
    expect(() =>
      loadConsoleSettings({ CONSOLE_TLS: 'off', API_KEYS: JSON.stringify([{ name: 'a', sha256: hashApiKey('k'), scopes: ['read'] }]) }),
    ).toThrow(/CONSOLE_TLS: off is for development only/);
    expect(
      loadConsoleSettings({ CONSOLE_TLS: 'proxy', API_KEYS: JSON.stringify([{ name: 'a', sha256: hashApiKey('k'), scopes: ['read'] }]) }),
    ).toMatchObject({ tls: 'proxy', port: 3007, host: '127.0.0.1' });
    expect(loadConsoleSettings({ NODE_ENV: 'development' })).toMatchObject({ tls: 'off', sessionIdleMs: 30 * 60_000 });
  });

  it('are the ones docs/configuration.md lists', () => {
    expect(configurationReferenceProblems('ops console', consoleSettingSpec)).toEqual([]);
  });
});
