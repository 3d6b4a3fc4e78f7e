import { readRepositoryFile } from './repository';

export const dockerfilePath = 'deploy/docker/Dockerfile';

/** The Dockerfile's instructions, continuation lines joined and comments dropped. */
export function dockerfileInstructions(): { instruction: string; argument: string }[] {
  return readRepositoryFile(dockerfilePath)
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const space = line.indexOf(' ');
      return { instruction: line.slice(0, space).toUpperCase(), argument: line.slice(space + 1).trim() };
    });
}

/** An exec-form instruction's words, such as ENTRYPOINT ["node", "main.js"]. */
export function execForm(argument: string): string[] {
  const words = JSON.parse(argument) as unknown;
  if (!Array.isArray(words) || !words.every((word) => typeof word === 'string')) throw new Error(`not an exec form: ${argument}`);
  return words;
}

/** What a container of the image runs, given its arguments (a Kubernetes container's `args`). */
export function imageCommand(args: string[]): string[] {
  const entrypoint = dockerfileInstructions()
    .filter(({ instruction }) => instruction === 'ENTRYPOINT')
    .at(-1);
  if (!entrypoint) throw new Error(`${dockerfilePath} has no ENTRYPOINT`);
  return [...execForm(entrypoint.argument), ...args];
}
