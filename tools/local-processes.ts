import { spawn, StdioOptions } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..');

/** Runs a command from the workspace root to its end; resolves with its exit code (1 when killed by a signal). */
export function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv, stdio: StdioOptions = 'inherit'): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

export async function runOrFail(command: string, args: string[], env: NodeJS.ProcessEnv, stdio: StdioOptions = 'inherit'): Promise<void> {
  const code = await runCommand(command, args, env, stdio);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}`);
}

/** Polls each base URL's /readyz until all answer 2xx; false when the time is up. */
export async function waitUntilReady(baseUrls: string[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ready = await Promise.all(
      baseUrls.map((url) =>
        fetch(`${url}/readyz`).then(
          (response) => response.ok,
          () => false,
        ),
      ),
    );
    if (ready.every(Boolean)) return true;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return false;
}
