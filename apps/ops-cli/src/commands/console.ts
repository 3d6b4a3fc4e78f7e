import { createLogger } from '@consign/service-runtime';
import { Command, invocation } from '../command';
import { startConsole } from '../console/console-server';
import { loadConsoleSettings } from '../console/console-settings';

export const consoleCommand: Command = {
  path: ['console'],
  summary: 'serve the operator console: these commands as web pages, for operators signed in with their keys',
  usage: 'console',
  details: `Serves the console on CONSOLE_HOST:CONSOLE_PORT (127.0.0.1:3007) until interrupted. Operators
sign in with their API key (API_KEYS, the read scope on console; admin there to change anything).
Each page runs the commands of this tool for the signed-in operator, with their key and their name
in the audit log: a change is previewed (its --dry-run), then applied once confirmed.`,
  options: {},
  async run({ io, commandLine }) {
    const logger = createLogger('ops-console');
    const running = await startConsole(
      loadConsoleSettings(io.env),
      {
        optionsOf: commandLine.optionTypesOf,
        run: (argv, captured) => commandLine.run(argv, { env: io.env, invokedAs: invocation(io), ...captured }),
      },
      logger,
    );
    io.err(`operator console at ${running.url}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    logger.info('stopping: no new commands; waiting up to 2 min for those running');
    const abandoned = await running.close();
    if (abandoned > 0) {
      // As when a CLI is interrupted: what they did so far stays, their audit entries may be missing.
      logger.warn({ abandoned }, 'stopped with commands still running; they are abandoned');
      setTimeout(() => process.exit(0), 500).unref();
    }
    return 0;
  },
};
