import { relative } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { runCli } from './cli';

/** `npm run ops -- <command>` in a checkout, `node main.js <command>` as the bundle: the operator's command line. */
async function main(): Promise<void> {
  const ask = process.stdin.isTTY
    ? async (question: string): Promise<boolean> => {
        const prompt = createInterface({ input: process.stdin, output: process.stderr });
        try {
          return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
        } finally {
          prompt.close();
        }
      }
    : undefined;
  process.exitCode = await runCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
    ask,
    invokedAs:
      process.env.npm_lifecycle_event === 'ops' ? 'npm run ops --' : `node ${relative(process.cwd(), process.argv[1]) || process.argv[1]}`,
  });
}

void main();
