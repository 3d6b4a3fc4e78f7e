import { parseArgs } from 'node:util';
import { ConfigError } from '@consign/config';
import { Command, flag, globalOptions, invocation, OptionDefinition, OptionSpec, text, UsageError, Values } from './command';
import { commands } from './commands';
import { CommandOptionTypes } from './console/console-commands';
import { CliIo, CommandContext, operatorIdentity } from './context';
import { json } from './render';

function optionLabel(name: string, option: OptionDefinition): string {
  return `--${name}${option.type === 'string' ? ` ${option.value}` : ''}`;
}

/** One line per option: what it does and what holds without it. */
function optionLines(options: OptionSpec, width: number): string {
  return Object.entries(options)
    .map(([name, option]) => {
      const holds = option.type === 'boolean' ? 'default: off' : option.required ? 'required' : `default: ${option.default}`;
      return `  ${optionLabel(name, option).padEnd(width)}  ${option.description} (${holds})`;
    })
    .join('\n');
}

function labelWidth(...specs: OptionSpec[]): number {
  return Math.max(...specs.flatMap((spec) => Object.entries(spec).map(([name, option]) => optionLabel(name, option).length)));
}

function overview(io: CliIo): string {
  const width = Math.max(...commands.map((command) => command.path.join(' ').length));
  return `Usage: ${invocation(io)} <command> [options]

Commands:
${commands.map((command) => `  ${command.path.join(' ').padEnd(width)}  ${command.summary}`).join('\n')}

Global options:
${optionLines(globalOptions, labelWidth(globalOptions))}

Run "${invocation(io)} <command> --help" for a command's options.
`;
}

function commandHelp(command: Command, io: CliIo): string {
  const width = Math.max(labelWidth(command.options, globalOptions), command.operands?.name.length ?? 0);
  const operands = command.operands
    ? `Arguments:\n  ${command.operands.name.padEnd(width)}  ${command.operands.description}${command.operands.many ? ', one or more' : ''}\n\n`
    : '';
  const options = Object.keys(command.options).length ? `Options:\n${optionLines(command.options, width)}\n\n` : '';
  return `Usage: ${invocation(io)} ${command.usage}\n\n${command.summary}.\n${command.details}\n\n${operands}${options}Global options:\n${optionLines(globalOptions, width)}\n`;
}

/** `--shift-by -3`: parseArgs takes a word starting with "-" for an option, but after an option that takes a value, a negative number is that value. */
function withNegativeValues(args: string[], options: OptionSpec): string[] {
  const joined: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const option = args[index].startsWith('--') ? options[args[index].slice(2)] : undefined;
    if (option?.type === 'string' && /^-\d+$/.test(args[index + 1] ?? '')) joined.push(`${args[index]}=${args[(index += 1)]}`);
    else joined.push(args[index]);
  }
  return joined;
}

/**
 * The values and the operands of a command line: a variadic option takes the words after its value
 * (`--delivery-id A B`); every other word is an operand, and the command refuses those it does not take.
 */
function parseCommandLine(command: Command, args: string[]): { values: Values; positionals: string[] } {
  const options = { ...globalOptions, ...command.options };
  const parsed = parseArgs({
    args: withNegativeValues(args, options),
    options: Object.fromEntries(
      Object.entries(options).map(([name, option]) => [
        name,
        { type: option.type, multiple: option.type === 'string' && (option.multiple ?? false) },
      ]),
    ),
    allowPositionals: true,
    strict: true,
    tokens: true,
  });
  const values = { ...parsed.values } as Values;
  // A variadic option's values are collected again from the tokens, in the order given, with the words after each.
  for (const [name, option] of Object.entries(options))
    if (option.type === 'string' && option.variadic && values[name] !== undefined) values[name] = [];
  const positionals: string[] = [];
  let variadic: string[] | undefined;
  for (const token of parsed.tokens) {
    if (token.kind === 'option') {
      const option = options[token.name];
      variadic = option?.type === 'string' && option.variadic ? (values[token.name] as string[]) : undefined;
      if (variadic && token.value !== undefined) variadic.push(token.value);
    } else if (token.kind === 'positional' && variadic) variadic.push(token.value);
    else if (token.kind === 'positional') positionals.push(token.value);
    else variadic = undefined;
  }
  return { values, positionals };
}

/** What the definitions say a command line must hold: its operands, and its required options. */
function checkCommandLine(command: Command, { values, positionals }: { values: Values; positionals: string[] }): void {
  const name = command.path.join(' ');
  const operands = command.operands;
  const taken = !operands ? 0 : operands.many ? Infinity : 1;
  if (positionals.length > taken)
    throw new UsageError(
      `unexpected argument "${positionals[taken]}": ${name} takes ${operands ? `one ${operands.name}` : 'no arguments'}`,
    );
  if (operands && !operands.optional && positionals.length === 0) throw new UsageError(`give ${operands.name}: ${operands.description}`);
  for (const [option, definition] of Object.entries(command.options)) {
    if (definition.type === 'string' && definition.required && (values[option] === undefined || values[option] === ''))
      throw new UsageError(`--${option} is required`);
  }
}

/** A command's options with their types, for the console to check a request against. */
export function optionTypesOf(path: string[]): CommandOptionTypes | undefined {
  const command = commands.find((candidate) => candidate.path.join(' ') === path.join(' '));
  if (!command) return undefined;
  return Object.fromEntries(
    Object.entries({ ...globalOptions, ...command.options }).map(([name, option]) => [
      name,
      { type: option.type, multiple: option.type === 'string' && (option.multiple ?? false) },
    ]),
  );
}

/** Runs one command line; returns the exit code: 0 done, 1 failed or refused, 2 bad command line. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const words = argv.slice(
    0,
    argv.findIndex((arg) => arg.startsWith('-')) === -1 ? argv.length : argv.findIndex((arg) => arg.startsWith('-')),
  );
  const command = commands.find((candidate) => candidate.path.every((word, index) => words[index] === word));
  const wantsHelp = argv.includes('--help') || argv.includes('-h') || words[0] === 'help';
  if (!command) {
    const group = commands.filter((candidate) => candidate.path[0] === words[0] && candidate.path.length > 1);
    if (wantsHelp && group.length) {
      io.out(`Commands under ${words[0]}:\n${group.map((candidate) => `  ${candidate.usage}\n      ${candidate.summary}`).join('\n')}\n`);
      return 0;
    }
    if (wantsHelp || argv.length === 0) {
      io.out(overview(io));
      return argv.length === 0 ? 2 : 0;
    }
    io.err(`error: unknown command "${words.join(' ')}"\n\n${overview(io)}`);
    return 2;
  }
  if (wantsHelp) {
    io.out(commandHelp(command, io));
    return 0;
  }
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseCommandLine(command, argv.slice(command.path.length));
  } catch (error) {
    io.err(`error: ${(error as Error).message}\nRun "${invocation(io)} ${command.path.join(' ')} --help" for its options.\n`);
    return 2;
  }
  const asJson = flag(parsed.values, 'json');
  let context: CommandContext | undefined;
  try {
    checkCommandLine(command, parsed);
    context = new CommandContext(
      operatorIdentity(text(parsed.values, 'as'), io.env),
      { apiKey: text(parsed.values, 'api-key'), json: asJson },
      io,
    );
    return await command.run({
      command,
      values: parsed.values,
      positionals: parsed.positionals,
      json: asJson,
      context,
      io,
      commandLine: { run: runCli, optionTypesOf },
    });
  } catch (error) {
    const usage = error instanceof UsageError;
    const message = error instanceof ConfigError ? error.message : (error as Error).message;
    io.err(`error: ${message}\n${usage ? `Run "${invocation(io)} ${command.path.join(' ')} --help" for its options.\n` : ''}`);
    if (asJson) io.out(json({ error: { message, code: (error as { code?: string }).code ?? (usage ? 'usage' : 'error') } }));
    return usage ? 2 : 1;
  } finally {
    await context?.close();
  }
}
