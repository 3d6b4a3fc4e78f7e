import { createServer, Server } from 'node:http';
import { join } from 'node:path';
import { runToCompletion } from '@consign/test-support';

/** An OTLP/HTTP receiver on a free port, standing in for a collector. */
async function startReceiver(): Promise<{ server: Server; url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') bodies.push(Buffer.concat(chunks).toString());
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, bodies };
}

const emitter = join(__dirname, 'support/emit-span.ts');

function emitted(output: string): { exporting: boolean; traceId: string; instrumentations?: string; httpPatched?: boolean } {
  const line = output.split('\n').find((candidate) => candidate.startsWith('{"exporting"'));
  if (!line) throw new Error(`no result line in:\n${output}`);
  return JSON.parse(line) as { exporting: boolean; traceId: string; instrumentations?: string; httpPatched?: boolean };
}

describe('startTelemetry (in its own process)', () => {
  it('exports spans over OTLP/HTTP to the configured endpoint, named after the service', async () => {
    const receiver = await startReceiver();
    try {
      const output = await runToCompletion(emitter, ['telemetry-test'], {
        NODE_OPTIONS: '--import tsx',
        OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/`,
        OTEL_SDK_DISABLED: '',
      });
      const result = emitted(output);
      expect(result.exporting).toBe(true);
      expect(result.traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
      const exported = receiver.bodies.join('\n');
      expect(exported).toContain('checked span');
      expect(exported).toContain('telemetry-test');
      expect(exported).toContain(result.traceId);
    } finally {
      receiver.server.close();
    }
  });

  it('still creates real trace ids without an endpoint, so context propagates, and exports nothing', async () => {
    const output = await runToCompletion(emitter, [], {
      NODE_OPTIONS: '--import tsx',
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      OTEL_SDK_DISABLED: '',
    });
    expect(emitted(output)).toMatchObject({
      exporting: false,
      traceId: expect.stringMatching(/^(?!0{32})[0-9a-f]{32}$/),
      instrumentations: 'http,express,pg,pino',
    });
  });

  it('enables only the instrumentations a service asks for', async () => {
    const output = await runToCompletion(emitter, ['telemetry-test', 'http,pg,pino'], {
      NODE_OPTIONS: '--import tsx',
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      OTEL_SDK_DISABLED: '',
    });
    expect(emitted(output)).toMatchObject({ instrumentations: 'http,pg,pino', httpPatched: true });
  });

  it('enables none when a service asks for none, and still traces what the service starts itself', async () => {
    const output = await runToCompletion(emitter, ['telemetry-test', ''], {
      NODE_OPTIONS: '--import tsx',
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      OTEL_SDK_DISABLED: '',
    });
    expect(emitted(output)).toMatchObject({
      instrumentations: '',
      httpPatched: false,
      traceId: expect.stringMatching(/^(?!0{32})[0-9a-f]{32}$/),
    });
  });

  it('turns off with OTEL_SDK_DISABLED=true', async () => {
    const output = await runToCompletion(emitter, [], { NODE_OPTIONS: '--import tsx', OTEL_SDK_DISABLED: 'true' });
    expect(emitted(output)).toEqual({ exporting: false, traceId: '0'.repeat(32), httpPatched: false });
  });
});
