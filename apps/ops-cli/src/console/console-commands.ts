import { PlatformError } from '@consign/errors';

/**
 * What the console may run: the CLI's own commands, so that a click plans, confirms and audits
 * exactly as the command line does (decision 0027). A command that changes state is previewed
 * first and applied only with the admin scope.
 */
export const consoleCommands = {
  status: { changes: false },
  'deliveries list': { changes: false },
  'deliveries jobs': { changes: false },
  'deliveries replay': { changes: true, preview: ['--dry-run'], apply: ['--yes'] },
  'webhooks replay': { changes: true, preview: ['--dry-run'], apply: ['--yes'] },
  'deadletters list': { changes: false },
  'deadletters show': { changes: false },
  'deadletters redrive': { changes: true, preview: ['--dry-run'], apply: ['--yes'] },
  // Without --yes, purge only shows what it would delete.
  'deadletters purge': { changes: true, preview: [], apply: ['--yes'] },
  // Stopping the group's service is part of applying; the plan is the same without it.
  'offsets reset': { changes: true, preview: ['--dry-run'], apply: ['--yes'], applyOnly: ['stop-members', 'service', 'wait'] },
  'reconcile show': { changes: false },
  'reconcile run': { changes: true, apply: [] },
  'reconcile repair': { changes: true, preview: ['--dry-run'], apply: [] },
  audit: { changes: false },
} as const satisfies Record<string, CommandDefinition>;

interface CommandDefinition {
  changes: boolean;
  /** What the mode adds to the command line; a mode a command lacks is refused. */
  preview?: readonly string[];
  apply?: readonly string[];
  /** Options that only applying takes: left out of the preview. */
  applyOnly?: readonly string[];
}

export type ConsoleCommand = keyof typeof consoleCommands;
export type ConsoleMode = 'run' | 'preview' | 'apply';

/** A command's options as the CLI defines them: enough to check a request against. */
export type CommandOptionTypes = Record<string, { type: 'boolean' | 'string'; multiple: boolean }>;

/** What the browser asks for. */
export interface ConsoleRequest {
  command: string;
  mode?: string;
  options?: Record<string, unknown>;
  operands?: unknown[];
}

export interface PlannedRun {
  command: ConsoleCommand;
  mode: ConsoleMode;
  /** The scope the signed-in key needs on the console. */
  scope: 'read' | 'admin';
  /** The command and its options; the server adds who acts and their key. */
  args: string[];
  /** The words after `--`. */
  operands: string[];
}

/**
 * Set by the server from the session, never by the browser; --yes and --dry-run come from the mode.
 * The archive and tenant-store topics are for tests: a page acting on another topic than the
 * gateway reads would replay the wrong deliveries.
 */
const reservedOptions = new Set(['json', 'as', 'api-key', 'help', 'yes', 'dry-run', 'archive-topic', 'tenants-topic']);

function invalid(message: string, details: Record<string, unknown> = {}): PlatformError {
  return new PlatformError(message, { code: 'console.request_invalid', category: 'invalid', httpStatus: 400, details });
}

function isConsoleCommand(name: string): name is ConsoleCommand {
  return Object.hasOwn(consoleCommands, name);
}

/**
 * The command line a console request stands for. Values go as `--name=value` and operands after
 * `--`, so that no value the browser sends can be read as another option.
 */
export function planConsoleRun(request: ConsoleRequest, optionsOf: (path: string[]) => CommandOptionTypes | undefined): PlannedRun {
  if (typeof request.command !== 'string' || !isConsoleCommand(request.command))
    throw invalid(`the console runs ${Object.keys(consoleCommands).join(', ')}; got ${JSON.stringify(request.command)}`, {
      parameter: 'command',
    });
  const command = request.command;
  const definition: CommandDefinition = consoleCommands[command];
  const mode = request.mode ?? 'run';
  const modeArgs =
    mode === 'run' && !definition.changes ? [] : mode === 'preview' ? definition.preview : mode === 'apply' ? definition.apply : undefined;
  if (modeArgs === undefined)
    throw invalid(
      `${command} ${definition.changes ? `takes the mode ${definition.preview ? 'preview or apply' : 'apply'}` : 'takes the mode run'}, got ${JSON.stringify(mode)}`,
      { parameter: 'mode' },
    );
  const path = command.split(' ');
  const known = optionsOf(path);
  if (!known) throw new Error(`the CLI has no command "${command}"`);
  const optionArgs: string[] = [];
  for (const [name, value] of Object.entries(request.options ?? {})) {
    const option = Object.hasOwn(known, name) ? known[name] : undefined;
    if (!option || reservedOptions.has(name))
      throw invalid(`${command} has no option --${name} the console may set`, { parameter: `options.${name}` });
    if (value === undefined || value === null || value === false || value === '') continue;
    if (mode === 'preview' && definition.applyOnly?.includes(name)) continue;
    if (option.type === 'boolean') {
      if (value !== true)
        throw invalid(`--${name} is a switch: true or false, got ${JSON.stringify(value)}`, { parameter: `options.${name}` });
      optionArgs.push(`--${name}`);
      continue;
    }
    const values = Array.isArray(value) && option.multiple ? value : [value];
    for (const each of values) {
      if (typeof each !== 'string')
        throw invalid(`--${name} takes ${option.multiple ? 'text or a list of text' : 'text'}, got ${JSON.stringify(value)}`, {
          parameter: `options.${name}`,
        });
      if (each !== '') optionArgs.push(`--${name}=${each}`);
    }
  }
  const operands = request.operands ?? [];
  if (!Array.isArray(operands) || operands.some((operand) => typeof operand !== 'string'))
    throw invalid('operands must be a list of text', { parameter: 'operands' });
  return {
    command,
    mode: mode as ConsoleMode,
    scope: mode === 'apply' ? 'admin' : 'read',
    args: [...path, ...optionArgs, ...modeArgs, '--json'],
    operands: operands as string[],
  };
}
