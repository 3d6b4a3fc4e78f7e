import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');

/**
 * The Node.js release the project runs on (decision 0003): package.json's `engines`, whose lower
 * bound is the exact version the `node-linux-*` packages install into node_modules/.bin.
 */
export function pinnedNodeVersion(): string {
  const { engines } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
  const match = /^>=(\d+\.\d+\.\d+) <(\d+)$/.exec(engines.node);
  if (!match) throw new Error(`package.json engines.node must read ">=<pinned version> <next major>", got "${engines.node}"`);
  return match[1];
}

export function majorOf(version: string): number {
  return Number(version.replace(/^v/, '').split('.')[0]);
}

/** Tools refuse another Node.js major: run through npm, whose scripts find the pinned one first on the PATH. */
export function assertPinnedRuntime(tool: string): void {
  const pinned = pinnedNodeVersion();
  if (majorOf(process.version) === majorOf(pinned)) return;
  throw new Error(
    `${tool} runs on Node.js ${process.version}, but this project runs on Node.js ${majorOf(pinned)} (${pinned}). Start it through npm (npm start, npm test, npm run ...): npm puts the pinned Node.js from node_modules/.bin first on the PATH.`,
  );
}
