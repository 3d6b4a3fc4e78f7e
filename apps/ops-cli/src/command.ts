import { isPlatformService, PlatformService } from '@consign/operations';
import { CommandOptionTypes } from './console/console-commands';
import { CliIo, CommandContext } from './context';
import { fields, table } from './render';

/** A command's option: its definition both parses the command line and writes the command's help. */
export type OptionDefinition =
  | { type: 'boolean'; description: string }
  | ({
      type: 'string';
      /** The value's placeholder in help: `<g>`. */
      value: string;
      description: string;
      /** Given several times, each value kept. */
      multiple?: boolean;
      /** The words after its value are more values: `--delivery-id A B`. */
      variadic?: boolean;
    } & (
      { /** What holds without the option, as help says it. */ default: string; required?: never } | { required: true; default?: never }
    ));
export type OptionSpec = Record<string, OptionDefinition>;
export type Values = Record<string, string | boolean | string[] | undefined>;

/** The words after a command that are not options: none unless a command names them. */
export interface Operands {
  name: string;
  description: string;
  /** Several may be given (`<id>...`). */
  many?: boolean;
  /** None may be given. */
  optional?: boolean;
}

export interface Invocation {
  command: Command;
  values: Values;
  positionals: string[];
  json: boolean;
  context: CommandContext;
  io: CliIo;
  commandLine: CommandLine;
}

export interface Command {
  path: string[];
  summary: string;
  usage: string;
  details: string;
  operands?: Operands;
  options: OptionSpec;
  run(invocation: Invocation): Promise<number>;
}

/** A mistake in the command line itself: exit 2 with a pointer to the help. */
export class UsageError extends Error {}

export const globalOptions: OptionSpec = {
  json: { type: 'boolean', description: 'machine-readable output on stdout (progress and messages stay off it)' },
  as: { type: 'string', value: '<name>', description: 'who you are for the audit log', default: '$OPERATOR, else your login name' },
  'api-key': {
    type: 'string',
    value: '<key>',
    description: 'key for the admin endpoints',
    default: '$OPS_API_KEY; dev-admin-key in development',
  },
  help: { type: 'boolean', description: 'this help' },
};

export const text = (values: Values, name: string): string | undefined => values[name] as string | undefined;
export const flag = (values: Values, name: string): boolean => values[name] === true;

export function required(values: Values, name: string): string {
  const value = text(values, name);
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

export function time(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value))
    throw new UsageError(`--${name} must be an ISO 8601 time such as 2025-01-31T12:00:00Z, got "${value}"`);
  return parsed;
}

export function wholeNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, got "${value}"`);
  return Number(value);
}

export function signedNumber(value: string, name: string): string {
  if (!/^-?\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, negative to move back, got "${value}"`);
  return value;
}

export function service(value: string, name = 'service'): PlatformService {
  if (!isPlatformService(value))
    throw new UsageError(
      `--${name} must be one of inventory-service, earnings-service, consignor-service, notification-service, got "${value}"`,
    );
  return value;
}

/** The endpoints a plan acts on, named before it: a plan against the wrong cluster must read as such. */
export function renderActingOn(actingOn: Record<string, string>): string {
  return fields(Object.entries(actingOn).map(([endpoint, at]) => [endpoint === 'kafka' ? 'Kafka cluster' : endpoint, at]));
}

/** The first rows of a long list, for a question: the whole list is one --dry-run away. */
export function previewTable(header: string[], rows: Array<Array<string | number | null | undefined>>, shown = 20): string {
  return `${table(header, rows.slice(0, shown))}${rows.length > shown ? `… and ${rows.length - shown} more (--dry-run lists them all)\n` : ''}`;
}

/**
 * A destructive step goes ahead with --yes, or once the operator says so; a dry run changes nothing
 * and asks nothing; with nobody to ask it is refused.
 */
export function confirmation({
  command,
  values,
  io,
}: Pick<Invocation, 'command' | 'values' | 'io'>): ((question: string) => Promise<boolean>) | undefined {
  if (flag(values, 'yes') || flag(values, 'dry-run')) return undefined;
  if (!io.ask)
    throw new UsageError(
      `nobody can confirm here: add --yes${command.options['dry-run'] ? ' to go ahead, or --dry-run to see the plan' : ''}`,
    );
  return io.ask;
}

export const yesOption = (what: string): OptionSpec => ({ yes: { type: 'boolean', description: `${what} without asking` } });
export const dryRunOption = (what: string): OptionSpec => ({ 'dry-run': { type: 'boolean', description: `show ${what}, change nothing` } });
export const positionOperand = (what: string): Operands => ({ name: '<topic>:<partition>:<offset>', description: what });

/** The command line itself, for a command that runs the others (the console). */
export interface CommandLine {
  run(argv: string[], io: CliIo): Promise<number>;
  optionTypesOf(path: string[]): CommandOptionTypes | undefined;
}

/** How the operator runs this tool, as help and hints say it. */
export function invocation(io: CliIo): string {
  return io.invokedAs ?? 'npm run ops --';
}
