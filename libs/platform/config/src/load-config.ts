export interface Setting<T> {
  readonly variable: string;
  /** Receives the raw value (undefined when unset); returns the parsed value or throws with a readable reason. */
  parse(raw: string | undefined): T;
}

export type SettingSpec = Record<string, Setting<unknown>>;
export type ConfigOf<S extends SettingSpec> = { readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function setting<T>(variable: string, parse: (raw: string | undefined) => T): Setting<T> {
  return { variable, parse };
}

/**
 * The value `parse` gives, or undefined where it throws: for a rule that depends on another
 * variable, whose own problem is reported under that variable's name.
 */
export function valueIfValid<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch {
    return undefined;
  }
}

/** A variable's value as a setting receives it: the empty string is unset. */
export function rawValue(env: NodeJS.ProcessEnv, variable: string): string | undefined {
  const raw = env[variable];
  return raw === '' ? undefined : raw;
}

/**
 * Parses every setting once, at start-up, and reports all problems together so that an operator
 * fixes the environment in one go.
 */
export function loadConfig<S extends SettingSpec>(spec: S, env: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  const problems: string[] = [];
  const result: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(spec)) {
    try {
      result[key] = entry.parse(rawValue(env, entry.variable));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      problems.push(`${entry.variable}: ${reason}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(result) as ConfigOf<S>;
}
