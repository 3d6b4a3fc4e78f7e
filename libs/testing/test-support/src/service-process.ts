import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { serviceNodeOptions } from '@consign/service-runtime';

/** A free TCP port on 127.0.0.1, for a service started by a test. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ServiceProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code once the process has ended by itself. */
  exited(): Promise<number | null>;
  /** Sends `signal` and resolves with the exit code once the process has ended. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs a service as its own process (one process: a TypeScript entry runs with
 * `nodeOptions = ['--import', 'tsx']`, not through a wrapper that would survive a SIGKILL), with
 * the Node.js options every service runs with, keeping its output for assertions. Tests ask for
 * development (its tenant, key and local endpoints) unless `env` sets NODE_ENV itself.
 */
export function startServiceProcess(script: string, args: string[], env: NodeJS.ProcessEnv, nodeOptions: string[] = []): ServiceProcess {
  const child = spawn(process.execPath, [...serviceNodeOptions, ...nodeOptions, script, ...args], {
    env: { ...process.env, NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return serviceProcessOf(child, async (signal) => {
    child.kill(signal);
  });
}

/**
 * A started child as a ServiceProcess: its output kept for assertions; `signal` sends a signal the
 * way this kind of process takes one (a container's client passes it on to the container, say).
 */
export function serviceProcessOf(child: ChildProcess, signal: (signal: NodeJS.Signals) => Promise<void>): ServiceProcess {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited: () => exited,
    async stop(name = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) await signal(name);
      return exited;
    },
  };
}

/** Runs a command to completion (for example a migration) and fails with its output when it fails. */
export async function runToCompletion(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const run = startServiceProcess(script, args, env);
  const code = await new Promise<number | null>((resolve) => run.child.once('exit', resolve));
  if (code !== 0) throw new Error(`${script} ${args.join(' ')} exited with ${code}:\n${run.output()}`);
  return run.output();
}
